import type { TokenUsage } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { type CostOptions, costMicroUsd } from './cost-micro-usd.ts'
import { loadPricingCatalog } from './load-pricing-catalog.ts'
import { type BilledTierPrices, billedTierPrices, type CatalogPrice, type PriceTier } from './price-schedule.ts'
import { resolvePrice } from './resolve-price.ts'

/** mulberry32: a small seeded generator, so a failure reproduces. */
function randomSource(seed: number): (max: number) => number {
  let state = seed >>> 0
  return (max) => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
    return Math.floor(unit * (max + 1))
  }
}

type Random = ReturnType<typeof randomSource>

/** The disjoint kinds of token a request is billed for. */
interface Buckets {
  uncached: number
  cached: number
  write5m: number
  write1h: number
  answer: number
  reasoning: number
}
const KINDS: (keyof Buckets)[] = ['uncached', 'cached', 'write5m', 'write1h', 'answer', 'reasoning']

function toUsage(b: Buckets): [TokenUsage, CostOptions] {
  return [
    {
      inputTokens: b.uncached + b.cached + b.write5m + b.write1h,
      cachedInputTokens: b.cached,
      cacheWriteInputTokens: b.write5m + b.write1h,
      outputTokens: b.answer + b.reasoning,
      reasoningTokens: b.reasoning,
    },
    { cacheWrite1hInputTokens: b.write1h },
  ]
}

function costOf(buckets: Buckets, price: CatalogPrice): number {
  const [counts, options] = toUsage(buckets)
  return costMicroUsd(counts, price, options)
}

function randomTier(random: Random, floor?: BilledTierPrices): PriceTier {
  const above = (min = 0) => min + random(20_000_000)
  // Each optional price present or not. An absent one falls back, which can still undercut the
  // base tier: the validator refuses those, and the caller skips them.
  const maybe = (price: () => number) => (random(1) === 1 ? price() : undefined)
  const input = above(floor?.input)
  return {
    inputMicroUsdPerMTok: input,
    outputMicroUsdPerMTok: above(floor?.output),
    cachedInputMicroUsdPerMTok: maybe(() => Math.min(input, above(floor?.cachedInput))),
    cacheWrite5mMicroUsdPerMTok: maybe(() => above(floor?.cacheWrite5m)),
    cacheWrite1hMicroUsdPerMTok: maybe(() => above(floor?.cacheWrite1h)),
    reasoningMicroUsdPerMTok: maybe(() => above(floor?.reasoning)),
  }
}

/** A random price that passed catalog validation, or undefined when validation refused it. */
function randomPrice(random: Random): CatalogPrice | undefined {
  const base = randomTier(random)
  const period: Record<string, unknown> = { effectiveFrom: '2025-01-01', ...base }
  if (random(3) === 0) period.requestMicroUsd = random(10_000)
  if (random(1) === 1) {
    // Half the time with no floor at all: mostly refused, which is what keeps the cost monotonic.
    const floor = random(1) === 1 ? billedTierPrices(base) : undefined
    period.longContext = { thresholdInputTokens: 1 + random(400_000), ...randomTier(random, floor) }
  }
  try {
    const catalog = loadPricingCatalog([
      { vendor: 'random', source: 'generated', checkedOn: '2025-01-01', models: [{ id: 'm', periods: [period] }] },
    ])
    return resolvePrice(catalog, { providerType: 'openai-compatible', vendor: 'random', model: 'm', at: new Date() })
  } catch {
    return undefined
  }
}

const randomBuckets = (random: Random): Buckets => ({
  uncached: random(500_000),
  cached: random(300_000),
  write5m: random(50_000),
  write1h: random(50_000),
  answer: random(100_000),
  reasoning: random(100_000),
})

describe('costMicroUsd, property-style', () => {
  it('never decreases when a request uses more tokens of any kind', () => {
    const random = randomSource(20_261_123)
    let checked = 0
    for (let attempt = 0; attempt < 2_000 && checked < 400; attempt += 1) {
      const price = randomPrice(random)
      if (price === undefined) continue
      const buckets = randomBuckets(random)
      const cost = costOf(buckets, price)
      for (const kind of KINDS) {
        const more = { ...buckets, [kind]: buckets[kind] + 1 + random(250_000) }
        expect(costOf(more, price), `${kind} of ${JSON.stringify(buckets)}`).toBeGreaterThanOrEqual(cost)
      }
      checked += 1
    }
    expect(checked).toBe(400)
  })

  it('never decreases in the raw inputTokens and outputTokens counts', () => {
    const random = randomSource(7)
    let checked = 0
    for (let i = 0; i < 200; i += 1) {
      const price = randomPrice(random)
      if (price === undefined) continue
      checked += 1
      const [counts, options] = toUsage(randomBuckets(random))
      const cost = costMicroUsd(counts, price, options)
      for (const field of ['inputTokens', 'outputTokens'] as const) {
        const more = { ...counts, [field]: counts[field] + 1 + random(300_000) }
        expect(costMicroUsd(more, price, options)).toBeGreaterThanOrEqual(cost)
      }
    }
    expect(checked).toBeGreaterThan(100)
  })

  it('is the exact cost rounded up: never below it, and less than one micro-USD above it', () => {
    const random = randomSource(42)
    let checked = 0
    for (let i = 0; i < 400; i += 1) {
      const price = randomPrice(random)
      if (price === undefined || price.longContext !== undefined) continue
      checked += 1
      const tokens = random(2_000_000)
      const [counts] = toUsage({ uncached: tokens, cached: 0, write5m: 0, write1h: 0, answer: 0, reasoning: 0 })
      const exactTimesMillion = BigInt(tokens) * BigInt(price.inputMicroUsdPerMTok)
      const fee = BigInt(price.requestMicroUsd ?? 0)
      const cost = BigInt(costMicroUsd(counts, price)) - fee
      expect(cost * 1_000_000n >= exactTimesMillion).toBe(true)
      expect((cost - 1n) * 1_000_000n < exactTimesMillion).toBe(true)
    }
    expect(checked).toBeGreaterThan(100)
  })
})
