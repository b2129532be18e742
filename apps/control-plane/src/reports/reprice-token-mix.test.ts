import { loadPricingCatalog, resolvePrice } from '@switchyard/pricing'
import { describe, expect, it } from 'vitest'
import { microUsdFromScaled, promptCacheSavingsScaled, repriceTokenMix } from './reprice-token-mix.ts'

const catalog = loadPricingCatalog()
const at = new Date('2026-11-01T00:00:00Z')
const gpt4o = resolvePrice(catalog, { providerType: 'openai', model: 'gpt-4o', at })
const sonnet = resolvePrice(catalog, { providerType: 'anthropic', model: 'claude-sonnet-4-5', at })

// 1M input tokens of which 400k read from the provider's cache and 100k written to it; 100k output.
const mix = {
  attempts: 10,
  answeredAttempts: 10,
  inputTokens: 1_000_000,
  outputTokens: 100_000,
  cachedInputTokens: 400_000,
  cacheWriteInputTokens: 100_000,
  reasoningTokens: 0,
  costMicroUsd: 0,
}

describe('re-pricing a token mix', () => {
  it('prices each kind of token at the model’s catalog price, cache profile kept', () => {
    if (gpt4o === undefined || sonnet === undefined) throw new Error('catalog entries missing')
    // gpt-4o: 500k × $2.50 + 400k × $1.25 + 100k written at the input price $2.50 + 100k × $10.
    expect(repriceTokenMix(mix, gpt4o)).toBe(1_250_000 + 500_000 + 250_000 + 1_000_000)
    // Sonnet 4.5: 500k × $3 + 400k × $0.30 + 100k × $3.75 + 100k × $15; base tier although the
    // mix's summed input passes the 200k long-context threshold.
    expect(repriceTokenMix(mix, sonnet)).toBe(1_500_000 + 120_000 + 375_000 + 1_500_000)
  })

  it('rounds a fraction of a micro-dollar up once', () => {
    if (gpt4o === undefined) throw new Error('catalog entry missing')
    const one = { ...mix, inputTokens: 1, outputTokens: 0, cachedInputTokens: 0, cacheWriteInputTokens: 0 }
    expect(repriceTokenMix(one, gpt4o)).toBe(3)
  })

  it('values prompt-cache savings at the input − cached input price, rounded down', () => {
    if (gpt4o === undefined || sonnet === undefined) throw new Error('catalog entries missing')
    expect(microUsdFromScaled(promptCacheSavingsScaled(400_000, gpt4o))).toBe(500_000)
    expect(microUsdFromScaled(promptCacheSavingsScaled(400_000, sonnet))).toBe(1_080_000)
    expect(microUsdFromScaled(promptCacheSavingsScaled(1, gpt4o))).toBe(1)
    expect(microUsdFromScaled(promptCacheSavingsScaled(1, sonnet))).toBe(2)
  })
})
