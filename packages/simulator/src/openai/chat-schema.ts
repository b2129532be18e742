import { z } from 'zod'

/** Only the chat-completions fields the simulator reads; everything else passes through. */

const ContentPart = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string() }),
  z.looseObject({ type: z.literal('image_url'), image_url: z.looseObject({ url: z.string() }) }),
  z.looseObject({ type: z.literal('refusal'), refusal: z.string() }),
  z.looseObject({ type: z.literal('input_audio') }),
  z.looseObject({ type: z.literal('file') }),
])
export type ChatContentPart = z.infer<typeof ContentPart>

const ToolCall = z.looseObject({
  id: z.string(),
  type: z.string().optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
})

const Message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
  tool_calls: z.array(ToolCall).nullish(),
  tool_call_id: z.string().optional(),
})
export type ChatMessage = z.infer<typeof Message>

const FunctionTool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
})
export type ChatTool = z.infer<typeof FunctionTool>

const ToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
])

const ResponseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({ name: z.string(), schema: z.record(z.string(), z.unknown()).optional() }),
  }),
])

const maxTokens = z.number().int().min(1).nullish()

export const ChatCompletionRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(Message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  tools: z.array(FunctionTool).optional(),
  tool_choice: ToolChoice.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: ResponseFormat.optional(),
  max_tokens: maxTokens,
  max_completion_tokens: maxTokens,
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
})
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>

/** Azure names the deployment in the path, so the body's `model` is optional there. */
export const DeploymentChatCompletionRequest = ChatCompletionRequest.extend({ model: z.string().optional() })
export type DeploymentChatCompletionRequest = z.infer<typeof DeploymentChatCompletionRequest>
