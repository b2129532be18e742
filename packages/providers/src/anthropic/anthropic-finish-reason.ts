import type { FinishReason } from '@switchyard/contracts'

const FINISH_BY_STOP_REASON: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
}

/** Anthropic `stop_reason` → OpenAI `finish_reason`; the emulated JSON tool's call is a plain stop. */
export function finishReasonOf(stopReason: string | null | undefined, isJsonResponse: boolean): FinishReason {
  if (stopReason === 'tool_use' && isJsonResponse) return 'stop'
  return FINISH_BY_STOP_REASON[stopReason ?? ''] ?? 'stop'
}
