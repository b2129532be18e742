import type { FinishReason, GeneratedChoice, GeneratedToolCall, TokenUsage } from '../core/generate.ts'

export type BedrockStopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'content_filtered'

const stopReasons: Readonly<Record<FinishReason, BedrockStopReason>> = {
  stop: 'end_turn',
  stop_sequence: 'stop_sequence',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'content_filtered',
}

export function bedrockStopReason(reason: FinishReason): BedrockStopReason {
  return stopReasons[reason]
}

/** `inputTokens` leaves out cache reads and writes; `totalTokens` adds everything up. */
export function bedrockUsage(usage: TokenUsage) {
  const inputTokens = usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteInputTokens
  const outputTokens = usage.outputTokens + usage.reasoningTokens
  const totals = {
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens + usage.cachedInputTokens + usage.cacheWriteInputTokens,
  }
  if (usage.cachedInputTokens === 0 && usage.cacheWriteInputTokens === 0) return totals
  return {
    ...totals,
    cacheReadInputTokens: usage.cachedInputTokens,
    cacheWriteInputTokens: usage.cacheWriteInputTokens,
  }
}

export function toolUseId(call: GeneratedToolCall): string {
  return `tooluse_${call.idTag}`
}

export interface ConverseReplyInput {
  readonly choice: GeneratedChoice
  readonly usage: TokenUsage
  readonly latencyMs: number
}

/** The Converse response body. */
export function converseResponse(input: ConverseReplyInput) {
  const { choice } = input
  const content =
    choice.toolCalls.length > 0
      ? choice.toolCalls.map((call) => ({
          toolUse: { toolUseId: toolUseId(call), name: call.name, input: call.input },
        }))
      : [{ text: choice.text }]
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: bedrockStopReason(choice.finishReason),
    usage: bedrockUsage(input.usage),
    metrics: { latencyMs: input.latencyMs },
  }
}
