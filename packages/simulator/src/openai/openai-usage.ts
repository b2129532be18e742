import type { FinishReason, TokenUsage } from '../core/generate.ts'

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter'

export function openAIFinishReason(reason: FinishReason): OpenAIFinishReason {
  return reason === 'stop_sequence' ? 'stop' : reason
}

/** OpenAI counts reasoning inside `completion_tokens` and cached tokens inside `prompt_tokens`. */
export function openAIUsage(usage: TokenUsage) {
  const completionTokens = usage.outputTokens + usage.reasoningTokens
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: completionTokens,
    total_tokens: usage.inputTokens + completionTokens,
    prompt_tokens_details:
      usage.cacheWriteInputTokens > 0
        ? { cached_tokens: usage.cachedInputTokens, audio_tokens: 0, cache_write_tokens: usage.cacheWriteInputTokens }
        : { cached_tokens: usage.cachedInputTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  }
}

export const systemFingerprint = 'fp_switchyard_sim'
