import { z } from 'zod'

/** The Anthropic Messages API: only the fields we write or read. */

export interface AnthropicTextBlock {
  readonly type: 'text'
  readonly text: string
}
export type AnthropicSource =
  | { readonly type: 'base64'; readonly media_type: string; readonly data: string }
  | { readonly type: 'url'; readonly url: string }
export type AnthropicRequestBlock =
  | AnthropicTextBlock
  | { readonly type: 'image' | 'document'; readonly source: AnthropicSource }
  | { readonly type: 'tool_use'; readonly id: string; readonly name: string; readonly input: Record<string, unknown> }
  | { readonly type: 'tool_result'; readonly tool_use_id: string; readonly content?: string }

export interface AnthropicMessage {
  readonly role: 'user' | 'assistant'
  readonly content: string | AnthropicRequestBlock[]
}

export interface AnthropicTool {
  readonly name: string
  readonly description?: string
  readonly input_schema: Record<string, unknown>
}

export type AnthropicToolChoice =
  | { readonly type: 'none' }
  | { readonly type: 'auto' | 'any'; readonly disable_parallel_tool_use?: boolean }
  | { readonly type: 'tool'; readonly name: string; readonly disable_parallel_tool_use?: boolean }

const Count = z.int().nonnegative()

export const AnthropicUsage = z.looseObject({
  input_tokens: Count,
  output_tokens: Count,
  cache_creation_input_tokens: Count.nullish(),
  cache_read_input_tokens: Count.nullish(),
})
export type AnthropicUsage = z.infer<typeof AnthropicUsage>
const PartialUsage = AnthropicUsage.partial()

/**
 * A content block: text, tool_use, or one we read past (thinking, server tool blocks…). One loose
 * shape rather than a union, so that a new block type never fails the parse.
 */
const ContentBlock = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  input: z.record(z.string(), z.unknown()).optional(),
})
export type AnthropicContentBlock = z.infer<typeof ContentBlock>

export const AnthropicResponse = z.looseObject({
  id: z.string(),
  type: z.literal('message'),
  model: z.string(),
  content: z.array(ContentBlock),
  stop_reason: z.string().nullable(),
  usage: AnthropicUsage,
})
export type AnthropicResponse = z.infer<typeof AnthropicResponse>

/** The stream's events, told apart by `type`; unknown types are skipped, as Anthropic asks. */
export const AnthropicStreamEvent = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('message_start'),
    message: z.looseObject({ model: z.string(), usage: PartialUsage }),
  }),
  z.looseObject({ type: z.literal('content_block_start'), index: Count, content_block: ContentBlock }),
  z.looseObject({
    type: z.literal('content_block_delta'),
    index: Count,
    delta: z.looseObject({ type: z.string(), text: z.string().optional(), partial_json: z.string().optional() }),
  }),
  z.looseObject({
    type: z.literal('message_delta'),
    delta: z.looseObject({ stop_reason: z.string().nullish() }),
    usage: PartialUsage.nullish(),
  }),
  z.looseObject({ type: z.literal('message_stop') }),
  z.looseObject({ type: z.literal('error'), error: z.looseObject({ type: z.string(), message: z.string() }) }),
])
export type AnthropicStreamEvent = z.infer<typeof AnthropicStreamEvent>

export const AnthropicErrorBody = z.looseObject({
  error: z.looseObject({ type: z.string(), message: z.string().optional() }),
})
