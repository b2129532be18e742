import { z } from 'zod'

/**
 * The OpenAI chat-completions wire shapes: what clients send to the gateway and the canonical
 * format every provider adapter translates to and from. Only the fields we read or check are
 * typed; the request is a loose object so that fields we do not know pass through to
 * OpenAI-compatible providers untouched.
 */

const TextPart = z.looseObject({ type: z.literal('text'), text: z.string() })
const ImagePart = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
})
const AudioPart = z.looseObject({
  type: z.literal('input_audio'),
  input_audio: z.looseObject({ data: z.string(), format: z.string() }),
})
const FilePart = z.looseObject({ type: z.literal('file'), file: z.looseObject({}) })
const RefusalPart = z.looseObject({ type: z.literal('refusal'), refusal: z.string() })

export const ChatContentPart = z.discriminatedUnion('type', [TextPart, ImagePart, AudioPart, FilePart])
export type ChatContentPart = z.infer<typeof ChatContentPart>

export const ChatToolCall = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
})
export type ChatToolCall = z.infer<typeof ChatToolCall>

const TextOnlyContent = z.union([z.string(), z.array(TextPart)])

export const ChatMessage = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('system'), content: TextOnlyContent, name: z.string().optional() }),
  z.looseObject({ role: z.literal('developer'), content: TextOnlyContent, name: z.string().optional() }),
  z.looseObject({
    role: z.literal('user'),
    content: z.union([z.string(), z.array(ChatContentPart).min(1)]),
    name: z.string().optional(),
  }),
  z.looseObject({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(z.discriminatedUnion('type', [TextPart, RefusalPart]))]).nullish(),
    tool_calls: z.array(ChatToolCall).optional(),
    refusal: z.string().nullish(),
    name: z.string().optional(),
  }),
  z.looseObject({ role: z.literal('tool'), content: TextOnlyContent, tool_call_id: z.string().min(1) }),
])
export type ChatMessage = z.infer<typeof ChatMessage>

export const ChatTool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
})
export type ChatTool = z.infer<typeof ChatTool>

export const ChatToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string().min(1) }) }),
])
export type ChatToolChoice = z.infer<typeof ChatToolChoice>

export const ChatResponseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string().min(1),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
])
export type ChatResponseFormat = z.infer<typeof ChatResponseFormat>

const TokenCount = z.int().positive()

export const ChatCompletionRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(ChatMessage).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  tools: z.array(ChatTool).optional(),
  tool_choice: ChatToolChoice.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: ChatResponseFormat.optional(),
  max_tokens: TokenCount.nullish(),
  max_completion_tokens: TokenCount.nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  seed: z.int().nullish(),
  n: z.int().min(1).max(128).nullish(),
  user: z.string().optional(),
  metadata: z.record(z.string(), z.string()).nullish(),
})
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>

export const FINISH_REASONS = ['stop', 'length', 'tool_calls', 'content_filter', 'function_call'] as const
export const FinishReason = z.enum(FINISH_REASONS)
export type FinishReason = z.infer<typeof FinishReason>

export const ChatUsage = z.looseObject({
  prompt_tokens: z.int().nonnegative(),
  completion_tokens: z.int().nonnegative(),
  total_tokens: z.int().nonnegative(),
  prompt_tokens_details: z.looseObject({ cached_tokens: z.int().nonnegative().optional() }).nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: z.int().nonnegative().optional() }).nullish(),
})
export type ChatUsage = z.infer<typeof ChatUsage>

export const ChatCompletion = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.int(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.int().nonnegative(),
      message: z.looseObject({
        role: z.literal('assistant'),
        content: z.string().nullable(),
        refusal: z.string().nullish(),
        tool_calls: z.array(ChatToolCall).optional(),
      }),
      finish_reason: FinishReason,
      logprobs: z.unknown().nullish(),
    }),
  ),
  usage: ChatUsage.optional(),
  system_fingerprint: z.string().nullish(),
})
export type ChatCompletion = z.infer<typeof ChatCompletion>

export const ChatToolCallDelta = z.looseObject({
  index: z.int().nonnegative(),
  id: z.string().optional(),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
})
export type ChatToolCallDelta = z.infer<typeof ChatToolCallDelta>

export const ChatCompletionChunk = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.int(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.int().nonnegative(),
      delta: z.looseObject({
        role: z.literal('assistant').optional(),
        content: z.string().nullish(),
        refusal: z.string().nullish(),
        tool_calls: z.array(ChatToolCallDelta).optional(),
      }),
      finish_reason: FinishReason.nullable(),
      logprobs: z.unknown().nullish(),
    }),
  ),
  usage: ChatUsage.nullish(),
  system_fingerprint: z.string().nullish(),
})
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunk>

export const EmbeddingsRequest = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.int()).min(1),
    z.array(z.array(z.int()).min(1)).min(1),
  ]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.int().positive().optional(),
  user: z.string().optional(),
})
export type EmbeddingsRequest = z.infer<typeof EmbeddingsRequest>

export const EmbeddingsResponse = z.looseObject({
  object: z.literal('list'),
  data: z.array(
    z.looseObject({
      object: z.literal('embedding'),
      index: z.int().nonnegative(),
      embedding: z.union([z.array(z.number()), z.string()]),
    }),
  ),
  model: z.string(),
  usage: z.looseObject({ prompt_tokens: z.int().nonnegative(), total_tokens: z.int().nonnegative() }),
})
export type EmbeddingsResponse = z.infer<typeof EmbeddingsResponse>
