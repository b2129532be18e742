import type { ProviderType } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { loadPricingCatalog } from '../load-pricing-catalog.ts'
import { resolvePrice } from '../resolve-price.ts'
import { vendorFromBaseUrl } from '../vendor-from-base-url.ts'
import { BUILTIN_VENDOR_CATALOGS } from './index.ts'

const catalog = loadPricingCatalog()
const NOW = new Date('2026-11-23T00:00:00Z')

/** [input, output, cached] in micro-USD per MTok, as today's list shows them. */
function current(providerType: ProviderType, model: string, vendor?: string): (number | undefined)[] {
  const price = resolvePrice(catalog, { providerType, model, vendor, at: NOW })
  return [price?.inputMicroUsdPerMTok, price?.outputMicroUsdPerMTok, price?.cachedInputMicroUsdPerMTok]
}

describe('the built-in catalog', () => {
  it('prices every model it lists today, through the provider type or vendor tag that reaches it', () => {
    for (const vendor of BUILTIN_VENDOR_CATALOGS) {
      const providerType = vendor.providerTypes?.[0] ?? 'openai-compatible'
      for (const model of vendor.models) {
        for (const name of [model.id, ...(model.aliases ?? [])]) {
          const price = resolvePrice(catalog, { providerType, vendor: vendor.vendor, model: name, at: NOW })
          expect(price?.modelId, `${vendor.vendor}/${name}`).toBe(model.id)
        }
      }
    }
  })

  it('holds the list prices a reviewer can spot-check', () => {
    expect(current('openai', 'gpt-4o')).toEqual([2_500_000, 10_000_000, 1_250_000])
    expect(current('openai', 'gpt-4.1')).toEqual([2_000_000, 8_000_000, 500_000])
    expect(current('openai', 'gpt-5')).toEqual([1_250_000, 10_000_000, 125_000])
    expect(current('openai', 'gpt-5-nano')).toEqual([50_000, 400_000, 5_000])
    expect(current('openai', 'text-embedding-3-small')).toEqual([20_000, 0, undefined])
    expect(current('anthropic', 'claude-opus-4-1')).toEqual([15_000_000, 75_000_000, 1_500_000])
    expect(current('anthropic', 'claude-haiku-4-5')).toEqual([1_000_000, 5_000_000, 100_000])
    expect(current('gemini', 'gemini-2.5-flash')).toEqual([300_000, 2_500_000, 30_000])
    expect(current('bedrock', 'us.amazon.nova-micro-v1:0')).toEqual([35_000, 140_000, 8_750])
    expect(current('openai-compatible', 'codestral-2508', 'mistral')).toEqual([300_000, 900_000, undefined])
    expect(current('openai-compatible', 'llama-3.1-8b-instant', 'groq')).toEqual([50_000, 80_000, undefined])
    expect(current('openai-compatible', 'deepseek-reasoner', 'deepseek')).toEqual([280_000, 420_000, 28_000])
  })

  it('keeps the cache and long-context prices of Claude Sonnet 4.5', () => {
    const sonnet = resolvePrice(catalog, { providerType: 'anthropic', model: 'claude-sonnet-4-5', at: NOW })
    expect(sonnet?.cacheWrite5mMicroUsdPerMTok).toBe(3_750_000)
    expect(sonnet?.cacheWrite1hMicroUsdPerMTok).toBe(6_000_000)
    expect(sonnet?.longContext).toEqual({
      thresholdInputTokens: 200_000,
      inputMicroUsdPerMTok: 6_000_000,
      outputMicroUsdPerMTok: 22_500_000,
      cachedInputMicroUsdPerMTok: 600_000,
      cacheWrite5mMicroUsdPerMTok: 7_500_000,
      cacheWrite1hMicroUsdPerMTok: 12_000_000,
    })
  })

  it('keeps the DeepSeek price history', () => {
    const chat = (day: string) =>
      resolvePrice(catalog, {
        providerType: 'openai-compatible',
        vendor: 'deepseek',
        model: 'deepseek-chat',
        at: new Date(day),
      })
    expect(chat('2025-01-15T00:00:00Z')).toMatchObject({
      inputMicroUsdPerMTok: 140_000,
      cachedInputMicroUsdPerMTok: 14_000,
    })
    expect(chat('2025-03-01T00:00:00Z')).toMatchObject({
      inputMicroUsdPerMTok: 270_000,
      outputMicroUsdPerMTok: 1_100_000,
    })
    expect(chat('2025-09-10T00:00:00Z')).toMatchObject({
      inputMicroUsdPerMTok: 560_000,
      outputMicroUsdPerMTok: 1_680_000,
    })
    expect(chat('2025-10-01T00:00:00Z')).toMatchObject({
      inputMicroUsdPerMTok: 280_000,
      outputMicroUsdPerMTok: 420_000,
    })
  })
})

describe('vendorFromBaseUrl', () => {
  it('tags the vendors’ own API hosts and nothing else', () => {
    expect(vendorFromBaseUrl('https://api.mistral.ai/v1')).toBe('mistral')
    expect(vendorFromBaseUrl('https://API.GROQ.COM/openai/v1')).toBe('groq')
    expect(vendorFromBaseUrl('https://api.deepseek.com')).toBe('deepseek')
    expect(vendorFromBaseUrl('https://llm-proxy.internal/v1')).toBeUndefined()
    expect(vendorFromBaseUrl('not a url')).toBeUndefined()
  })
})
