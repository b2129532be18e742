import type { GenerationRequest, LastTurn, ToolChoice } from '../core/generation-request.ts'
import { autoToolChoice, textOutput } from '../core/generation-request.ts'
import { countTokens } from '../core/tokenizer.ts'
import type { AnthropicContentBlock, AnthropicMessage, CountTokensRequest, MessagesRequest } from './messages-schema.ts'

/** Tokenizer count of the system prompt, every message and the tool definitions. */
export function countInputTokens(body: CountTokensRequest): { inputTokens: number; imageCount: number } {
  let inputTokens = 0
  let imageCount = 0
  const { system } = body
  if (typeof system === 'string') inputTokens += countTokens(system)
  else for (const block of system ?? []) inputTokens += countTokens(block.text)
  for (const message of body.messages) {
    if (typeof message.content === 'string') {
      inputTokens += countTokens(message.content)
      continue
    }
    for (const block of message.content) {
      if (block.type === 'image') imageCount += 1
      else inputTokens += blockTokens(block)
    }
  }
  for (const tool of body.tools ?? []) {
    inputTokens += countTokens(tool.name) + countTokens(tool.description ?? '')
    if (tool.input_schema !== undefined) inputTokens += countTokens(JSON.stringify(tool.input_schema))
  }
  return { inputTokens, imageCount }
}

function blockTokens(block: AnthropicContentBlock): number {
  switch (block.type) {
    case 'text':
      return countTokens(block.text)
    case 'tool_use':
      return countTokens(block.name) + countTokens(JSON.stringify(block.input ?? {}))
    case 'tool_result':
      return countTokens(toolResultText(block))
    default:
      return 0
  }
}

/** Reduces a Messages request to what the generator reads. */
export function toGenerationRequest(body: MessagesRequest): GenerationRequest {
  const { inputTokens, imageCount } = countInputTokens(body)
  let seedText = ''
  for (const message of body.messages) if (message.role === 'user') seedText = messageText(message)
  return {
    inputTokens,
    seedText,
    lastTurn: lastTurnOf(body.messages.at(-1)),
    imageCount,
    tools: (body.tools ?? []).map((tool) => ({ name: tool.name, schema: tool.input_schema ?? {} })),
    toolChoice: toolChoiceOf(body.tool_choice),
    isParallelToolCalls: false,
    maxOutputTokens: body.max_tokens,
    stopSequences: body.stop_sequences ?? [],
    outputFormat: textOutput,
    choiceCount: 1,
  }
}

function messageText(message: AnthropicMessage): string {
  if (typeof message.content === 'string') return message.content
  let text = ''
  for (const block of message.content) if (block.type === 'text') text += block.text
  return text
}

function toolResultText(block: Extract<AnthropicContentBlock, { type: 'tool_result' }>): string {
  const { content } = block
  if (content === undefined || typeof content === 'string') return content ?? ''
  let text = ''
  for (const part of content) text += part.text ?? ''
  return text
}

function lastTurnOf(message: AnthropicMessage | undefined): LastTurn {
  if (message?.role !== 'user') return { kind: 'other' }
  if (typeof message.content !== 'string') {
    for (const block of message.content) {
      if (block.type === 'tool_result') return { kind: 'tool_result', text: toolResultText(block) }
    }
  }
  return { kind: 'user' }
}

function toolChoiceOf(choice: MessagesRequest['tool_choice']): ToolChoice {
  if (choice === undefined || choice.type === 'auto') return autoToolChoice
  if (choice.type === 'any') return { mode: 'required' }
  if (choice.type === 'none') return { mode: 'none' }
  return { mode: 'named', name: choice.name }
}
