import type {
  AnthropicAssistantBlock,
  AnthropicMessageParam,
  AnthropicMessagesRequest,
  AnthropicTool,
  AnthropicToolChoice,
  AnthropicUserBlock,
  ChatCompletionRequest,
  ChatContentPart,
  ChatMessage,
  ChatTool,
  ChatToolCall,
  ChatToolChoice,
} from '@switchyard/contracts'

/** Top-level fields that have a canonical counterpart; any other field is dropped, and said so. */
const TRANSLATED_FIELDS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'system',
  'max_tokens',
  'stop_sequences',
  'temperature',
  'top_p',
  'stream',
  'metadata',
  'tools',
  'tool_choice',
])

export interface TranslatedRequest {
  readonly request: ChatCompletionRequest
  /** Fields the client sent that the canonical request cannot carry (`top_k`, `thinking`…). */
  readonly droppedFields: readonly string[]
}

/** An Anthropic Messages request → the canonical (OpenAI chat completions) request. */
export function toChatRequest(body: AnthropicMessagesRequest): TranslatedRequest {
  const request: ChatCompletionRequest = {
    model: body.model,
    messages: toChatMessages(body.system, body.messages),
    max_completion_tokens: body.max_tokens,
  }
  if (body.stream !== undefined) request.stream = body.stream
  if (body.stop_sequences !== undefined && body.stop_sequences.length > 0) request.stop = body.stop_sequences
  if (body.temperature !== undefined) request.temperature = body.temperature
  if (body.top_p !== undefined) request.top_p = body.top_p
  const userId = body.metadata?.user_id
  if (typeof userId === 'string' && userId !== '') request.user = userId
  // OpenAI refuses tool_choice and parallel_tool_calls without tools, so they come only with tools.
  if (body.tools !== undefined && body.tools.length > 0) {
    request.tools = body.tools.map(toChatTool)
    if (body.tool_choice !== undefined) {
      request.tool_choice = toChatToolChoice(body.tool_choice)
      if ('disable_parallel_tool_use' in body.tool_choice && body.tool_choice.disable_parallel_tool_use === true) {
        request.parallel_tool_calls = false
      }
    }
  }
  const droppedFields = Object.keys(body).filter((field) => !TRANSLATED_FIELDS.has(field))
  return { request, droppedFields }
}

/**
 * The system prompt becomes one system message (blocks joined by a blank line, which every
 * OpenAI-compatible server takes), then each turn in order.
 */
export function toChatMessages(
  system: AnthropicMessagesRequest['system'],
  messages: readonly AnthropicMessageParam[],
): ChatMessage[] {
  const chatMessages: ChatMessage[] = []
  if (system !== undefined && system.length > 0) {
    chatMessages.push({ role: 'system', content: system.map((block) => block.text).join('\n\n') })
  }
  for (const message of messages) {
    if (message.role === 'user') chatMessages.push(...fromUserTurn(message.content))
    else chatMessages.push(fromAssistantTurn(message.content))
  }
  return chatMessages
}

/**
 * A user turn's tool results become `tool` messages first (OpenAI wants them right after the
 * assistant's tool calls), then the turn's text and images as one user message. Tool messages
 * hold text only, so images a tool returned move into that user message, in order.
 */
function fromUserTurn(blocks: readonly AnthropicUserBlock[]): ChatMessage[] {
  const toolMessages: ChatMessage[] = []
  const parts: ChatContentPart[] = []
  for (const block of blocks) {
    if (block.type === 'text') parts.push({ type: 'text', text: block.text })
    else if (block.type === 'image') parts.push(toImagePart(block.source))
    else {
      const resultBlocks = block.content ?? []
      const text = resultBlocks.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n')
      // OpenAI has no error flag on tool messages; the prefix keeps the failure visible to the model.
      const content = block.is_error === true ? `Error: ${text}` : text
      toolMessages.push({ role: 'tool', tool_call_id: block.tool_use_id, content })
      for (const part of resultBlocks) if (part.type === 'image') parts.push(toImagePart(part.source))
    }
  }
  const first = parts[0]
  if (parts.length === 1 && first?.type === 'text') return [...toolMessages, { role: 'user', content: first.text }]
  if (parts.length > 0) return [...toolMessages, { role: 'user', content: parts }]
  return toolMessages.length > 0 ? toolMessages : [{ role: 'user', content: '' }]
}

type ImageSource = Extract<AnthropicUserBlock, { type: 'image' }>['source']

function toImagePart(source: ImageSource): ChatContentPart {
  const url = source.type === 'base64' ? `data:${source.media_type};base64,${source.data}` : source.url
  return { type: 'image_url', image_url: { url } }
}

/** Text blocks join into the content; tool uses become tool calls; earlier thinking is dropped. */
function fromAssistantTurn(blocks: readonly AnthropicAssistantBlock[]): ChatMessage {
  const texts: string[] = []
  const toolCalls: ChatToolCall[] = []
  for (const block of blocks) {
    if (block.type === 'text') texts.push(block.text)
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input) },
      })
    }
  }
  const text = texts.join('\n\n')
  if (toolCalls.length === 0) return { role: 'assistant', content: text }
  return { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls }
}

function toChatTool(tool: AnthropicTool): ChatTool {
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.input_schema,
    },
  }
}

function toChatToolChoice(choice: AnthropicToolChoice): ChatToolChoice {
  switch (choice.type) {
    case 'auto':
      return 'auto'
    case 'any':
      return 'required'
    case 'none':
      return 'none'
    case 'tool':
      return { type: 'function', function: { name: choice.name } }
  }
}
