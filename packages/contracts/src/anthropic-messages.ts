import { z } from 'zod'

/**
 * The Anthropic Messages API as clients (the official SDK, Claude Code…) send it to the gateway,
 * and the message, stream events and errors the gateway answers with. Requests are loose objects:
 * unknown fields are tolerated (and reported as dropped), `cache_control` is accepted anywhere
 * and ignored. What cannot be translated (documents, server tools, Files API sources) is refused
 * here with a message that says so.
 */

/** `"text"` and `[{type: "text", text}]` mean the same; we parse both into blocks. */
const textAsBlocks = (value: unknown): unknown => (typeof value === 'string' ? [{ type: 'text', text: value }] : value)

const unsupported =
  (what: string, supported: string) =>
  (iss: z.core.$ZodRawIssue): string | undefined => {
    if (iss.code !== 'invalid_union') return undefined
    const input = iss.input as { type?: unknown } | undefined
    const type = JSON.stringify(input?.type)
    if (input?.type === 'document') return `${what} of type "document" are not supported by this gateway (${supported})`
    return `unsupported ${what.replace(/s$/, '')} type ${type} (supported: ${supported})`
  }

const AnthropicTextBlockParam = z.looseObject({ type: z.literal('text'), text: z.string() })

const AnthropicImageBlockParam = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion(
    'type',
    [
      z.looseObject({
        type: z.literal('base64'),
        media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
        data: z.string().min(1),
      }),
      z.looseObject({ type: z.literal('url'), url: z.string().min(1) }),
    ],
    { error: unsupported('image sources', 'base64, url') },
  ),
})

const AnthropicToolResultBlockParam = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z
    .preprocess(
      textAsBlocks,
      z.array(
        z.discriminatedUnion('type', [AnthropicTextBlockParam, AnthropicImageBlockParam], {
          error: unsupported('tool result blocks', 'text, image'),
        }),
      ),
    )
    .optional(),
  is_error: z.boolean().optional(),
})

const AnthropicToolUseBlockParam = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
})

/** Earlier turns' reasoning: accepted so that conversations carry over, then dropped. */
const AnthropicThinkingBlockParam = z.looseObject({ type: z.enum(['thinking', 'redacted_thinking']) })

export const AnthropicUserBlock = z.discriminatedUnion(
  'type',
  [AnthropicTextBlockParam, AnthropicImageBlockParam, AnthropicToolResultBlockParam],
  { error: unsupported('user content blocks', 'text, image, tool_result') },
)
export type AnthropicUserBlock = z.infer<typeof AnthropicUserBlock>

export const AnthropicAssistantBlock = z.discriminatedUnion(
  'type',
  [AnthropicTextBlockParam, AnthropicToolUseBlockParam, AnthropicThinkingBlockParam],
  { error: unsupported('assistant content blocks', 'text, tool_use, thinking') },
)
export type AnthropicAssistantBlock = z.infer<typeof AnthropicAssistantBlock>

export const AnthropicMessageParam = z.discriminatedUnion(
  'role',
  [
    z.looseObject({ role: z.literal('user'), content: z.preprocess(textAsBlocks, z.array(AnthropicUserBlock)) }),
    z.looseObject({
      role: z.literal('assistant'),
      content: z.preprocess(textAsBlocks, z.array(AnthropicAssistantBlock)),
    }),
  ],
  {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? 'role must be "user" or "assistant" (the system prompt goes in the top-level `system` field)'
        : undefined,
  },
)
export type AnthropicMessageParam = z.infer<typeof AnthropicMessageParam>

export const AnthropicTool = z.looseObject({
  // First, so that a server tool is refused for what it is, not for lacking `input_schema`.
  type: z
    .literal('custom', {
      error: (iss) =>
        `server tools such as ${JSON.stringify(iss.input)} are not supported by this gateway; only custom tools ({name, description, input_schema})`,
    })
    .optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()),
})
export type AnthropicTool = z.infer<typeof AnthropicTool>

const DisableParallel = { disable_parallel_tool_use: z.boolean().optional() }

export const AnthropicToolChoice = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), ...DisableParallel }),
  z.looseObject({ type: z.literal('any'), ...DisableParallel }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1), ...DisableParallel }),
  z.looseObject({ type: z.literal('none') }),
])
export type AnthropicToolChoice = z.infer<typeof AnthropicToolChoice>

const anthropicPromptShape = {
  model: z.string().min(1),
  messages: z.array(AnthropicMessageParam).min(1),
  system: z.preprocess(textAsBlocks, z.array(AnthropicTextBlockParam)).optional(),
  tools: z.array(AnthropicTool).optional(),
  tool_choice: AnthropicToolChoice.optional(),
  /** Accepted and dropped: the canonical format has no reasoning budget. */
  thinking: z.looseObject({ type: z.string() }).optional(),
}

export const AnthropicMessagesRequest = z.looseObject({
  ...anthropicPromptShape,
  max_tokens: z.int().positive(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  /** Accepted and dropped: OpenAI has no top-k. */
  top_k: z.int().nonnegative().optional(),
  stream: z.boolean().optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
})
export type AnthropicMessagesRequest = z.infer<typeof AnthropicMessagesRequest>

/** `POST /v1/messages/count_tokens`: the prompt without the sampling settings. */
export const AnthropicCountTokensRequest = z.looseObject(anthropicPromptShape)
export type AnthropicCountTokensRequest = z.infer<typeof AnthropicCountTokensRequest>

// ---- What the gateway answers -------------------------------------------------------------

export const ANTHROPIC_STOP_REASONS = [
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
] as const
export const AnthropicStopReason = z.enum(ANTHROPIC_STOP_REASONS)
export type AnthropicStopReason = z.infer<typeof AnthropicStopReason>

export const AnthropicTextBlock = z.object({ type: z.literal('text'), text: z.string() })
export type AnthropicTextBlock = z.infer<typeof AnthropicTextBlock>

export const AnthropicToolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
})
export type AnthropicToolUseBlock = z.infer<typeof AnthropicToolUseBlock>

export const AnthropicContentBlock = z.discriminatedUnion('type', [AnthropicTextBlock, AnthropicToolUseBlock])
export type AnthropicContentBlock = z.infer<typeof AnthropicContentBlock>

const TokenCount = z.int().nonnegative()

/** `input_tokens` excludes cached and cache-written tokens, as Anthropic counts them. */
export const AnthropicUsage = z.object({
  input_tokens: TokenCount,
  output_tokens: TokenCount,
  cache_creation_input_tokens: TokenCount,
  cache_read_input_tokens: TokenCount,
})
export type AnthropicUsage = z.infer<typeof AnthropicUsage>

export const AnthropicMessage = z.object({
  id: z.string(),
  type: z.literal('message'),
  role: z.literal('assistant'),
  model: z.string(),
  content: z.array(AnthropicContentBlock),
  stop_reason: AnthropicStopReason.nullable(),
  stop_sequence: z.string().nullable(),
  usage: AnthropicUsage,
})
export type AnthropicMessage = z.infer<typeof AnthropicMessage>

export const ANTHROPIC_ERROR_TYPES = [
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'timeout_error',
  'api_error',
  'overloaded_error',
] as const
export const AnthropicErrorType = z.enum(ANTHROPIC_ERROR_TYPES)
export type AnthropicErrorType = z.infer<typeof AnthropicErrorType>

export const AnthropicErrorBody = z.object({
  type: z.literal('error'),
  error: z.object({ type: AnthropicErrorType, message: z.string() }),
  request_id: z.string().optional(),
})
export type AnthropicErrorBody = z.infer<typeof AnthropicErrorBody>

/**
 * The stream, in this order: `message_start`, `ping`, per content block `content_block_start`,
 * `content_block_delta`*, `content_block_stop`, then `message_delta` and `message_stop`; or an
 * `error` event, after which nothing follows.
 */
export const AnthropicStreamEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message_start'), message: AnthropicMessage }),
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('content_block_start'), index: TokenCount, content_block: AnthropicContentBlock }),
  z.object({
    type: z.literal('content_block_delta'),
    index: TokenCount,
    delta: z.discriminatedUnion('type', [
      z.object({ type: z.literal('text_delta'), text: z.string() }),
      z.object({ type: z.literal('input_json_delta'), partial_json: z.string() }),
    ]),
  }),
  z.object({ type: z.literal('content_block_stop'), index: TokenCount }),
  z.object({
    type: z.literal('message_delta'),
    delta: z.object({ stop_reason: AnthropicStopReason.nullable(), stop_sequence: z.string().nullable() }),
    // Input counts are known only at the end of a canonical stream, so they come here too.
    usage: AnthropicUsage.partial().extend({ output_tokens: TokenCount }),
  }),
  z.object({ type: z.literal('message_stop') }),
  AnthropicErrorBody,
])
export type AnthropicStreamEvent = z.infer<typeof AnthropicStreamEvent>
