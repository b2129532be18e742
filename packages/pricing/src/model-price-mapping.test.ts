import { ModelPrice } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { costMicroUsd } from './cost-micro-usd.ts'
import { loadPricingCatalog } from './load-pricing-catalog.ts'
import { fieldsModelPriceDrops, fromModelPrice, toModelPrice } from './model-price-mapping.ts'
import { resolvePrice } from './resolve-price.ts'

const catalog = loadPricingCatalog()
const at = new Date('2026-01-01T00:00:00Z')

describe('toModelPrice', () => {
  it('maps the base tier to the contracts shape, which then parses as a strict ModelPrice', () => {
    const sonnet = resolvePrice(catalog, { providerType: 'anthropic', model: 'claude-sonnet-4-5', at })
    if (sonnet === undefined) throw new Error('claude-sonnet-4-5 is missing')
    const price = toModelPrice(sonnet)
    expect(price).toEqual({
      inputMicroUsdPerMTok: 3_000_000,
      outputMicroUsdPerMTok: 15_000_000,
      cachedInputMicroUsdPerMTok: 300_000,
      cacheWriteMicroUsdPerMTok: 3_750_000,
    })
    expect(ModelPrice.parse(price)).toEqual(price)
    expect(fieldsModelPriceDrops(sonnet)).toEqual(['cacheWrite1hMicroUsdPerMTok', 'longContext'])
  })

  it('leaves out absent prices instead of writing zeros', () => {
    const nova = resolvePrice(catalog, { providerType: 'bedrock', model: 'amazon.nova-pro-v1:0', at })
    if (nova === undefined) throw new Error('amazon.nova-pro-v1:0 is missing')
    expect(toModelPrice(nova)).toEqual({
      inputMicroUsdPerMTok: 800_000,
      outputMicroUsdPerMTok: 3_200_000,
      cachedInputMicroUsdPerMTok: 200_000,
    })
    expect(fieldsModelPriceDrops(nova)).toEqual([])
  })

  it('names a reasoning price and a per-request fee as dropped', () => {
    const price = {
      inputMicroUsdPerMTok: 1,
      outputMicroUsdPerMTok: 2,
      reasoningMicroUsdPerMTok: 3,
      requestMicroUsd: 4,
    }
    expect(fieldsModelPriceDrops(price)).toEqual(['reasoningMicroUsdPerMTok', 'requestMicroUsd'])
  })
})

describe('fromModelPrice', () => {
  it('spreads the one cache-write price over both TTLs and keeps absent prices absent', () => {
    expect(
      fromModelPrice({ inputMicroUsdPerMTok: 10, outputMicroUsdPerMTok: 20, cacheWriteMicroUsdPerMTok: 15 }),
    ).toEqual({
      inputMicroUsdPerMTok: 10,
      outputMicroUsdPerMTok: 20,
      cacheWrite5mMicroUsdPerMTok: 15,
      cacheWrite1hMicroUsdPerMTok: 15,
    })
    expect(
      fromModelPrice({ inputMicroUsdPerMTok: 10, outputMicroUsdPerMTok: 20, cachedInputMicroUsdPerMTok: 5 }),
    ).toEqual({ inputMicroUsdPerMTok: 10, outputMicroUsdPerMTok: 20, cachedInputMicroUsdPerMTok: 5 })
  })

  it('round-trips a ModelPrice', () => {
    const price = {
      inputMicroUsdPerMTok: 150_000,
      outputMicroUsdPerMTok: 600_000,
      cachedInputMicroUsdPerMTok: 75_000,
      cacheWriteMicroUsdPerMTok: 187_500,
    }
    expect(toModelPrice(fromModelPrice(price))).toEqual(price)
  })

  it('is required before a ModelPrice is costed: passing one directly does not compile', () => {
    const configured: ModelPrice = { inputMicroUsdPerMTok: 1, outputMicroUsdPerMTok: 1, cacheWriteMicroUsdPerMTok: 2 }
    const usage = {
      inputTokens: 1,
      outputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 1,
      reasoningTokens: 0,
    }
    // @ts-expect-error ModelPrice's cacheWriteMicroUsdPerMTok would be silently ignored.
    expect(costMicroUsd(usage, configured)).toBe(1)
    expect(costMicroUsd(usage, fromModelPrice(configured))).toBe(1)
  })
})
