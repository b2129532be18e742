import { z } from 'zod'

const Count = z.int().nonnegative()

/**
 * Token counts as every provider adapter reports them, whatever the vendor called them.
 * `inputTokens` counts all input, cached and cache-written tokens included.
 */
export const TokenUsage = z.strictObject({
  inputTokens: Count,
  outputTokens: Count,
  cachedInputTokens: Count,
  cacheWriteInputTokens: Count,
  reasoningTokens: Count,
})
export type TokenUsage = z.infer<typeof TokenUsage>
