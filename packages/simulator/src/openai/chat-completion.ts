import type { GeneratedChoice, GeneratedToolCall, Generation } from '../core/generate.ts'
import type { ChatAnnotations } from './chat-annotations.ts'
import { openAIFinishReason, openAIUsage, systemFingerprint } from './openai-usage.ts'

export interface ChatReplyInput {
  readonly id: string
  readonly created: number
  readonly model: string
  readonly generation: Generation
  readonly annotations: ChatAnnotations | undefined
}

/** A `chat.completion` object (CreateChatCompletionResponse). */
export function chatCompletion(input: ChatReplyInput) {
  const { annotations } = input
  const completion = {
    id: input.id,
    object: 'chat.completion',
    created: input.created,
    model: input.model,
    choices: input.generation.choices.map((choice) => completionChoice(choice, annotations)),
    usage: openAIUsage(input.generation.usage),
    service_tier: 'default',
    system_fingerprint: systemFingerprint,
  }
  return annotations === undefined
    ? completion
    : { ...completion, prompt_filter_results: annotations.promptFilterResults }
}

function completionChoice(choice: GeneratedChoice, annotations: ChatAnnotations | undefined) {
  const hasToolCalls = choice.toolCalls.length > 0
  const message = {
    role: 'assistant',
    content: hasToolCalls ? null : choice.text,
    refusal: null,
    annotations: [],
    ...(hasToolCalls ? { tool_calls: choice.toolCalls.map(toolCall) } : {}),
  }
  const body = { index: choice.index, message, logprobs: null, finish_reason: openAIFinishReason(choice.finishReason) }
  return annotations === undefined
    ? body
    : { ...body, content_filter_results: annotations.contentFilterResults(choice.finishReason) }
}

export function toolCallId(call: GeneratedToolCall): string {
  return `call_${call.idTag}`
}

function toolCall(call: GeneratedToolCall) {
  return { id: toolCallId(call), type: 'function', function: { name: call.name, arguments: call.arguments } }
}
