import { type CatalogPrice, costMicroUsd } from '@switchyard/pricing'

/** Tokens summed over many attempts of one or more models. */
export interface TokenTotals {
  readonly attempts: number
  readonly answeredAttempts: number
  readonly inputTokens: number
  readonly outputTokens: number
  readonly cachedInputTokens: number
  readonly cacheWriteInputTokens: number
  readonly reasoningTokens: number
  readonly costMicroUsd: number
}

export const NO_TOKENS: TokenTotals = {
  attempts: 0,
  answeredAttempts: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteInputTokens: 0,
  reasoningTokens: 0,
  costMicroUsd: 0,
}

export function addTokens(a: TokenTotals, b: TokenTotals): TokenTotals {
  return {
    attempts: a.attempts + b.attempts,
    answeredAttempts: a.answeredAttempts + b.answeredAttempts,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    cacheWriteInputTokens: a.cacheWriteInputTokens + b.cacheWriteInputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    costMicroUsd: a.costMicroUsd + b.costMicroUsd,
  }
}

/**
 * What the mix would have cost on a model at its catalog price: the same input, cached-input,
 * cache-write, output and reasoning tokens (so the same cache-hit profile), each at the model's
 * price, summed exactly and rounded up once, plus its per-request fee per answered attempt.
 * The base tier is used: the rollup no longer knows which requests passed a long-context
 * threshold, and cache writes are priced at the 5-minute rate.
 */
export function repriceTokenMix(mix: TokenTotals, price: CatalogPrice): number {
  const tokens = {
    inputTokens: mix.inputTokens,
    outputTokens: mix.outputTokens,
    cachedInputTokens: mix.cachedInputTokens,
    cacheWriteInputTokens: mix.cacheWriteInputTokens,
    reasoningTokens: mix.reasoningTokens,
  }
  const tokenCost = costMicroUsd(tokens, { ...price, longContext: undefined, requestMicroUsd: undefined })
  return tokenCost + (price.requestMicroUsd ?? 0) * mix.answeredAttempts
}

/**
 * What provider prompt caching saved on cached input tokens, as the exact numerator in
 * micro-USD × 1,000,000 (sum these, then divide once with `microUsdFromScaled`): cached tokens ×
 * (input price − cached input price). Zero when the model has no cheaper cached price.
 */
export function promptCacheSavingsScaled(cachedInputTokens: number, price: CatalogPrice): bigint {
  const cachedPrice = price.cachedInputMicroUsdPerMTok ?? price.inputMicroUsdPerMTok
  const saving = Math.max(0, price.inputMicroUsdPerMTok - cachedPrice)
  return BigInt(cachedInputTokens) * BigInt(saving)
}

/** A sum of `tokens × micro-USD per MTok` to micro-USD, rounded down (savings are never overstated). */
export function microUsdFromScaled(scaled: bigint): number {
  return Number(scaled / 1_000_000n)
}
