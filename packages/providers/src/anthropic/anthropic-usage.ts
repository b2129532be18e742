import type { TokenUsage } from '@switchyard/contracts'
import type { AnthropicUsage } from './anthropic-wire.ts'

/**
 * Anthropic usage → canonical. Anthropic's `input_tokens` counts only the uncached rest of the
 * prompt, so all input is that plus what was read from and written to the cache.
 */
export function usageFromAnthropic(usage: AnthropicUsage): TokenUsage {
  const cacheRead = usage.cache_read_input_tokens ?? 0
  const cacheWrite = usage.cache_creation_input_tokens ?? 0
  return {
    inputTokens: usage.input_tokens + cacheRead + cacheWrite,
    outputTokens: usage.output_tokens,
    cachedInputTokens: cacheRead,
    cacheWriteInputTokens: cacheWrite,
    reasoningTokens: 0, // counted in output_tokens; Anthropic does not report them apart
  }
}
