import type { GenerationRequest, LastTurn, OutputFormat, ToolChoice } from '../core/generation-request.ts'
import { autoToolChoice, textOutput } from '../core/generation-request.ts'
import { countTokens } from '../core/tokenizer.ts'
import type { ChatCompletionRequest, ChatMessage, DeploymentChatCompletionRequest } from './chat-schema.ts'

/** Reduces a chat-completions request to what the generator reads. */
export function toGenerationRequest(body: DeploymentChatCompletionRequest): GenerationRequest {
  let inputTokens = 0
  let imageCount = 0
  let seedText = ''
  for (const message of body.messages) {
    const { content } = message
    if (typeof content === 'string') inputTokens += countTokens(content)
    else if (content) {
      for (const part of content) {
        if (part.type === 'text') inputTokens += countTokens(part.text)
        else if (part.type === 'refusal') inputTokens += countTokens(part.refusal)
        else if (part.type === 'image_url') imageCount += 1
      }
    }
    for (const call of message.tool_calls ?? []) {
      inputTokens += countTokens(call.function.name) + countTokens(call.function.arguments)
    }
    if (message.role === 'user') seedText = messageText(message)
  }
  const tools = body.tools ?? []
  for (const tool of tools) {
    const { name, description, parameters } = tool.function
    inputTokens += countTokens(name) + countTokens(description ?? '')
    if (parameters !== undefined) inputTokens += countTokens(JSON.stringify(parameters))
  }
  const stop = body.stop ?? []
  return {
    inputTokens,
    seedText,
    lastTurn: lastTurnOf(body.messages.at(-1)),
    imageCount,
    tools: tools.map((tool) => ({ name: tool.function.name, schema: tool.function.parameters ?? {} })),
    toolChoice: toolChoiceOf(body.tool_choice),
    isParallelToolCalls: body.parallel_tool_calls === true,
    maxOutputTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    stopSequences: typeof stop === 'string' ? [stop] : stop,
    outputFormat: outputFormatOf(body.response_format),
    choiceCount: body.n ?? 1,
  }
}

function messageText(message: ChatMessage): string {
  const { content } = message
  if (typeof content === 'string') return content
  if (!content) return ''
  let text = ''
  for (const part of content) if (part.type === 'text') text += part.text
  return text
}

function lastTurnOf(message: ChatMessage | undefined): LastTurn {
  if (message?.role === 'user') return { kind: 'user' }
  if (message?.role === 'tool' || message?.role === 'function')
    return { kind: 'tool_result', text: messageText(message) }
  return { kind: 'other' }
}

function toolChoiceOf(choice: ChatCompletionRequest['tool_choice']): ToolChoice {
  if (choice === undefined || choice === 'auto') return autoToolChoice
  if (choice === 'none' || choice === 'required') return { mode: choice }
  return { mode: 'named', name: choice.function.name }
}

function outputFormatOf(format: ChatCompletionRequest['response_format']): OutputFormat {
  if (format?.type === 'json_object') return { kind: 'json', schema: undefined }
  if (format?.type === 'json_schema') return { kind: 'json', schema: format.json_schema.schema ?? {} }
  return textOutput
}
