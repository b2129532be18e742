import type { TokenUsage } from '@switchyard/contracts'
import { billedTierPrices, type PriceSchedule, type PriceTier } from './price-schedule.ts'

export interface CostOptions {
  /**
   * How many of `cacheWriteInputTokens` were written with Anthropic's 1-hour TTL; the rest are
   * 5-minute writes. `TokenUsage` does not split them yet, so this defaults to 0.
   */
  readonly cacheWrite1hInputTokens?: number | undefined
}

/** Token counts split into disjoint kinds, each billed at one price. */
interface BillableTokens {
  readonly inputTokens: number
  readonly uncachedInput: number
  readonly cachedInput: number
  readonly cacheWrite5m: number
  readonly cacheWrite1h: number
  readonly nonReasoningOutput: number
  readonly reasoning: number
}

const MICRO_USD_PER_MTOK_DIVISOR = 1_000_000n

function count(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`costMicroUsd: ${name} must be a non-negative safe integer, got ${value}`)
  }
  return value
}

/**
 * Splits usage into disjoint kinds. Counts that contradict each other (more cached tokens than
 * input, more reasoning than output) are read the way that bills more, never less.
 */
function billableTokens(usage: TokenUsage, options: CostOptions): BillableTokens {
  const cachedInput = count('cachedInputTokens', usage.cachedInputTokens)
  const cacheWrite1h = count('cacheWrite1hInputTokens', options.cacheWrite1hInputTokens ?? 0)
  const cacheWrites = Math.max(count('cacheWriteInputTokens', usage.cacheWriteInputTokens), cacheWrite1h)
  const cachedAndWritten = count('cachedInputTokens + cacheWriteInputTokens', cachedInput + cacheWrites)
  const inputTokens = Math.max(count('inputTokens', usage.inputTokens), cachedAndWritten)
  const reasoning = count('reasoningTokens', usage.reasoningTokens)
  const outputTokens = Math.max(count('outputTokens', usage.outputTokens), reasoning)
  return {
    inputTokens,
    uncachedInput: inputTokens - cachedInput - cacheWrites,
    cachedInput,
    cacheWrite5m: cacheWrites - cacheWrite1h,
    cacheWrite1h,
    nonReasoningOutput: outputTokens - reasoning,
    reasoning,
  }
}

function tierFor(price: PriceSchedule, inputTokens: number): PriceTier {
  const long = price.longContext
  return long !== undefined && inputTokens > long.thresholdInputTokens ? long : price
}

/**
 * What a request cost, in integer micro-USD. Each kind of token is multiplied by its price per
 * million tokens and summed exactly (BigInt: tokens × price can pass 2^53), then divided by one
 * million and rounded up once, so that we never under-bill. The per-request fee is added after.
 * The long-context tier prices every token of a request whose input exceeds its threshold.
 */
export function costMicroUsd(usage: TokenUsage, price: PriceSchedule, options: CostOptions = {}): number {
  const tokens = billableTokens(usage, options)
  const prices = billedTierPrices(tierFor(price, tokens.inputTokens))
  const terms: [number, number][] = [
    [tokens.uncachedInput, prices.input],
    [tokens.cachedInput, prices.cachedInput],
    [tokens.cacheWrite5m, prices.cacheWrite5m],
    [tokens.cacheWrite1h, prices.cacheWrite1h],
    [tokens.nonReasoningOutput, prices.output],
    [tokens.reasoning, prices.reasoning],
  ]
  let microUsdTimesMillion = 0n
  for (const [tokenCount, microUsdPerMTok] of terms) {
    microUsdTimesMillion += BigInt(tokenCount) * BigInt(count('a price', microUsdPerMTok))
  }
  const tokenCost = (microUsdTimesMillion + MICRO_USD_PER_MTOK_DIVISOR - 1n) / MICRO_USD_PER_MTOK_DIVISOR
  const total = tokenCost + BigInt(count('requestMicroUsd', price.requestMicroUsd ?? 0))
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`costMicroUsd: ${total} micro-USD is beyond a safe integer`)
  }
  return Number(total)
}
