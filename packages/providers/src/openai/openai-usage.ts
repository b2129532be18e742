import type { ChatUsage, TokenUsage } from '@switchyard/contracts'

/**
 * OpenAI usage → canonical. `prompt_tokens` already counts cached tokens, and
 * `completion_tokens` reasoning tokens. Some compatible servers report cache hits as
 * `prompt_cache_hit_tokens` instead of `prompt_tokens_details.cached_tokens`.
 */
export function usageFromOpenAI(usage: ChatUsage): TokenUsage {
  const cacheHits = usage.prompt_cache_hit_tokens
  const fallbackCached = typeof cacheHits === 'number' && Number.isInteger(cacheHits) ? cacheHits : 0
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? fallbackCached,
    cacheWriteInputTokens: 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  }
}
