import type { FinishReason, GeneratedChoice, GeneratedToolCall, TokenUsage } from '../core/generate.ts'

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal'

const stopReasons: Readonly<Record<FinishReason, AnthropicStopReason>> = {
  stop: 'end_turn',
  stop_sequence: 'stop_sequence',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
}

export function anthropicStopReason(reason: FinishReason): AnthropicStopReason {
  return stopReasons[reason]
}

/** Anthropic's `input_tokens` leaves out cache reads and writes; `output_tokens` holds thinking. */
export function anthropicUsage(usage: TokenUsage, outputTokens: number) {
  const base = {
    input_tokens: usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteInputTokens,
    cache_creation_input_tokens: usage.cacheWriteInputTokens,
    cache_read_input_tokens: usage.cachedInputTokens,
    cache_creation: { ephemeral_5m_input_tokens: usage.cacheWriteInputTokens, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  }
  return usage.reasoningTokens > 0
    ? { ...base, output_tokens_details: { thinking_tokens: usage.reasoningTokens } }
    : base
}

export function totalOutputTokens(usage: TokenUsage): number {
  return usage.outputTokens + usage.reasoningTokens
}

export function toolUseId(call: GeneratedToolCall): string {
  return `toolu_${call.idTag}`
}

/** The content blocks of an answer: its text, or its tool calls. */
export function contentBlocks(choice: GeneratedChoice) {
  if (choice.toolCalls.length > 0) {
    return choice.toolCalls.map((call) => ({
      type: 'tool_use',
      id: toolUseId(call),
      name: call.name,
      input: call.input,
    }))
  }
  return choice.textPieces.length === 0 ? [] : [{ type: 'text', text: choice.text }]
}

export interface AnthropicReplyInput {
  readonly id: string
  readonly model: string
  readonly choice: GeneratedChoice
  readonly usage: TokenUsage
}

/** A `message` object, as `POST /v1/messages` answers without streaming. */
export function anthropicMessage(input: AnthropicReplyInput) {
  const { choice } = input
  return {
    id: input.id,
    type: 'message',
    role: 'assistant',
    model: input.model,
    content: contentBlocks(choice),
    stop_reason: anthropicStopReason(choice.finishReason),
    stop_sequence: choice.stopSequence,
    usage: anthropicUsage(input.usage, totalOutputTokens(input.usage)),
  }
}
