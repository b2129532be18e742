import type { TokenUsage } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { costMicroUsd } from './cost-micro-usd.ts'
import { loadPricingCatalog } from './load-pricing-catalog.ts'
import { fromModelPrice } from './model-price-mapping.ts'
import type { PriceSchedule } from './price-schedule.ts'
import { resolvePrice } from './resolve-price.ts'

const usage = (counts: Partial<TokenUsage>): TokenUsage => ({
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteInputTokens: 0,
  reasoningTokens: 0,
  ...counts,
})

const catalog = loadPricingCatalog()
const NOW = new Date('2026-11-23T00:00:00Z')

function catalogPrice(providerType: 'openai' | 'anthropic' | 'gemini', model: string): PriceSchedule {
  const price = resolvePrice(catalog, { providerType, model, at: NOW })
  if (price === undefined) throw new Error(`${model} is not in the catalog`)
  return price
}

const flat = (input: number, output: number, extra: Partial<PriceSchedule> = {}): PriceSchedule => ({
  inputMicroUsdPerMTok: input,
  outputMicroUsdPerMTok: output,
  ...extra,
})

describe('costMicroUsd', () => {
  it('bills input and output at their prices', () => {
    // 1,000 × $2.50/MTok + 500 × $10/MTok = $0.0025 + $0.005
    expect(costMicroUsd(usage({ inputTokens: 1_000, outputTokens: 500 }), catalogPrice('openai', 'gpt-4o'))).toBe(7_500)
    expect(costMicroUsd(usage({}), catalogPrice('openai', 'gpt-4o'))).toBe(0)
  })

  it('rounds up once, on the sum, to whole micro-USD', () => {
    const price = flat(150_000, 600_000)
    expect(costMicroUsd(usage({ inputTokens: 1 }), price)).toBe(1) // 0.15 micro-USD
    expect(costMicroUsd(usage({ inputTokens: 20 }), flat(50_000, 0))).toBe(1) // exactly 1: not rounded to 2
    expect(costMicroUsd(usage({ inputTokens: 21 }), flat(50_000, 0))).toBe(2) // 1.05
    // 0.4 + 0.4 micro-USD: rounding each term up would bill 2.
    expect(costMicroUsd(usage({ inputTokens: 1, outputTokens: 1 }), flat(400_000, 400_000))).toBe(1)
    expect(costMicroUsd(usage({ inputTokens: 1_000_001 }), flat(1, 0))).toBe(2) // 1.000001
  })

  it('bills cached input and both cache-write TTLs at their own prices (Claude Sonnet 4.5)', () => {
    const sonnet = catalogPrice('anthropic', 'claude-sonnet-4-5')
    const counts = usage({
      inputTokens: 10_000,
      cachedInputTokens: 8_000,
      cacheWriteInputTokens: 1_000,
      outputTokens: 200,
    })
    // 1,000 × $3 + 8,000 × $0.30 + 1,000 × $3.75 + 200 × $15 (per MTok)
    expect(costMicroUsd(counts, sonnet)).toBe(12_150)
    // 400 of the 1,000 writes with the 1-hour TTL: 600 × $3.75 + 400 × $6
    expect(costMicroUsd(counts, sonnet, { cacheWrite1hInputTokens: 400 })).toBe(13_050)
  })

  it('falls back to the input price for cached input and cache writes, and 1h writes to the 5m price', () => {
    const counts = usage({ inputTokens: 3_000, cachedInputTokens: 1_000, cacheWriteInputTokens: 1_000 })
    expect(costMicroUsd(counts, flat(1_000_000, 0))).toBe(3_000)
    const withWrites = flat(1_000_000, 0, {
      cachedInputMicroUsdPerMTok: 100_000,
      cacheWrite5mMicroUsdPerMTok: 2_000_000,
    })
    // 1,000 uncached × $1 + 1,000 cached × $0.10 + 1,000 writes × $2, 500 of them 1h at the 5m price
    expect(costMicroUsd(counts, withWrites, { cacheWrite1hInputTokens: 500 })).toBe(3_100)
  })

  it('bills reasoning tokens apart only when they have their own price', () => {
    const counts = usage({ inputTokens: 0, outputTokens: 1_000, reasoningTokens: 600 })
    expect(costMicroUsd(counts, flat(150_000, 600_000))).toBe(600)
    // 400 × $0.60 + 600 × $3.50
    expect(costMicroUsd(counts, flat(150_000, 600_000, { reasoningMicroUsdPerMTok: 3_500_000 }))).toBe(2_340)
  })

  it('adds the per-request fee after rounding the tokens', () => {
    expect(costMicroUsd(usage({ inputTokens: 1 }), flat(1, 0, { requestMicroUsd: 500 }))).toBe(501)
    expect(costMicroUsd(usage({}), flat(1, 0, { requestMicroUsd: 500 }))).toBe(500)
  })

  it('applies the long-context tier to the whole request once input exceeds the threshold (Gemini 2.5 Pro)', () => {
    const pro = catalogPrice('gemini', 'gemini-2.5-pro')
    // At the threshold: 200,000 × $1.25 + 1,000 × $10
    expect(costMicroUsd(usage({ inputTokens: 200_000, outputTokens: 1_000 }), pro)).toBe(260_000)
    // Above: 200,001 × $2.50 + 1,000 × $15 = 515,002.5 micro-USD, rounded up
    expect(costMicroUsd(usage({ inputTokens: 200_001, outputTokens: 1_000 }), pro)).toBe(515_003)
    // Cached tokens count toward the threshold and get the long-context cached price.
    const cached = usage({ inputTokens: 300_000, cachedInputTokens: 200_000 })
    expect(costMicroUsd(cached, pro)).toBe(300_000) // 100,000 × $2.50 + 200,000 × $0.25
  })

  it('stays exact where tokens × price passes 2^53', () => {
    const counts = usage({ inputTokens: 1_000_000_007 })
    // 1,000,000,007 × 9,999,999,999 = 10,000,000,068,999,999,993 → 10,000,000,068,999.999993 micro-USD
    expect(costMicroUsd(counts, flat(9_999_999_999, 0))).toBe(10_000_000_069_000)
  })

  it('reads contradictory counts the way that bills more', () => {
    const price = flat(1_000_000, 2_000_000, { cachedInputMicroUsdPerMTok: 100_000 })
    // 5,000 cached + 0 uncached, although inputTokens says 1,000
    expect(costMicroUsd(usage({ inputTokens: 1_000, cachedInputTokens: 5_000 }), price)).toBe(500)
    // 3,000 reasoning tokens, although outputTokens says 1,000
    expect(costMicroUsd(usage({ outputTokens: 1_000, reasoningTokens: 3_000 }), price)).toBe(6_000)
    // 1h writes beyond the total writes count as writes
    expect(costMicroUsd(usage({}), price, { cacheWrite1hInputTokens: 1_000 })).toBe(1_000)
  })

  it('refuses counts that are not non-negative safe integers, and a cost beyond a safe integer', () => {
    const price = flat(1_000_000, 1_000_000)
    expect(() => costMicroUsd(usage({ inputTokens: -1 }), price)).toThrow(RangeError)
    expect(() => costMicroUsd(usage({ outputTokens: 1.5 }), price)).toThrow(RangeError)
    expect(() => costMicroUsd(usage({ inputTokens: Number.NaN }), price)).toThrow(RangeError)
    expect(() => costMicroUsd(usage({}), price, { cacheWrite1hInputTokens: -5 })).toThrow(RangeError)
    const huge = usage({ inputTokens: Number.MAX_SAFE_INTEGER })
    expect(() => costMicroUsd(huge, flat(10_000_000_000, 0))).toThrow(/beyond a safe integer/)
  })

  it('prices a configured ModelPrice with its one cache-write price for both TTLs', () => {
    const configured = fromModelPrice({
      inputMicroUsdPerMTok: 1_000_000,
      outputMicroUsdPerMTok: 2_000_000,
      cacheWriteMicroUsdPerMTok: 1_500_000,
    })
    const counts = usage({ inputTokens: 2_000, cacheWriteInputTokens: 2_000 })
    expect(costMicroUsd(counts, configured, { cacheWrite1hInputTokens: 1_000 })).toBe(3_000)
  })
})
