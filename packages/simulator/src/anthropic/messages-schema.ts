import { z } from 'zod'

/** Only the Messages API fields the simulator reads; everything else passes through. */

const TextBlock = z.looseObject({ type: z.literal('text'), text: z.string() })

const ToolResultContent = z.union([
  z.string(),
  z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
])

const ContentBlock = z.discriminatedUnion('type', [
  TextBlock,
  z.looseObject({ type: z.literal('image'), source: z.looseObject({ type: z.string() }) }),
  z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.looseObject({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    content: ToolResultContent.optional(),
    is_error: z.boolean().optional(),
  }),
  z.looseObject({ type: z.enum(['document', 'thinking', 'redacted_thinking', 'search_result']) }),
])
export type AnthropicContentBlock = z.infer<typeof ContentBlock>

const Message = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(ContentBlock)]),
})
export type AnthropicMessage = z.infer<typeof Message>

const Tool = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  /** Absent on server tools (`type: "web_search_…"`). */
  input_schema: z.record(z.string(), z.unknown()).optional(),
})

const ToolChoice = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto') }),
  z.looseObject({ type: z.literal('any') }),
  z.looseObject({ type: z.literal('none') }),
  z.looseObject({ type: z.literal('tool'), name: z.string() }),
])

export const CountTokensRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(Message).min(1),
  system: z.union([z.string(), z.array(TextBlock)]).optional(),
  tools: z.array(Tool).optional(),
  tool_choice: ToolChoice.optional(),
})
export type CountTokensRequest = z.infer<typeof CountTokensRequest>

export const MessagesRequest = CountTokensRequest.extend({
  max_tokens: z.number().int().min(1),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
})
export type MessagesRequest = z.infer<typeof MessagesRequest>
