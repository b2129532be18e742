import type { ProviderType } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { loadPricingCatalog } from './load-pricing-catalog.ts'
import { resolvePrice } from './resolve-price.ts'

const catalog = loadPricingCatalog()
const NOW = new Date('2026-11-23T12:00:00Z')

function inputPrice(providerType: ProviderType, model: string, at = NOW, vendor?: string): number | undefined {
  return resolvePrice(catalog, { providerType, model, at, vendor })?.inputMicroUsdPerMTok
}

describe('resolvePrice', () => {
  it('returns the period in force at the date, switching at 00:00 UTC of effectiveFrom', () => {
    const at = (iso: string) => resolvePrice(catalog, { providerType: 'openai', model: 'gpt-4o', at: new Date(iso) })
    expect(at('2024-05-12T23:59:59Z')).toBeUndefined()
    expect(at('2024-05-13T00:00:00Z')?.inputMicroUsdPerMTok).toBe(5_000_000)
    expect(at('2024-10-01T23:59:59.999Z')?.outputMicroUsdPerMTok).toBe(15_000_000)
    expect(at('2024-10-02T00:00:00Z')).toEqual({
      effectiveFrom: '2024-10-02',
      inputMicroUsdPerMTok: 2_500_000,
      outputMicroUsdPerMTok: 10_000_000,
      cachedInputMicroUsdPerMTok: 1_250_000,
      vendor: 'openai',
      modelId: 'gpt-4o',
      source: 'OpenAI API pricing, https://platform.openai.com/docs/pricing (Standard tier)',
      checkedOn: '2026-11-23',
    })
    expect(inputPrice('openai', 'o3', new Date('2025-06-09T12:00:00Z'))).toBe(10_000_000)
    expect(inputPrice('openai', 'o3', new Date('2025-06-10T00:00:00Z'))).toBe(2_000_000)
  })

  it('resolves aliases and dated snapshots to the canonical model, ignoring case and spaces', () => {
    const snapshot = resolvePrice(catalog, { providerType: 'openai', model: 'gpt-4o-2024-08-06', at: NOW })
    expect(snapshot?.modelId).toBe('gpt-4o')
    expect(inputPrice('openai', ' GPT-4o-Mini ')).toBe(150_000)
    expect(inputPrice('anthropic', 'claude-sonnet-4-5')).toBe(3_000_000)
    expect(inputPrice('openai', 'gpt-4o-2024-05-13')).toBe(5_000_000)
  })

  it('prices Azure OpenAI with OpenAI prices for the same model', () => {
    expect(resolvePrice(catalog, { providerType: 'azure-openai', model: 'gpt-4.1-mini', at: NOW })).toEqual(
      resolvePrice(catalog, { providerType: 'openai', model: 'gpt-4.1-mini', at: NOW }),
    )
  })

  it('resolves Bedrock ids with geography prefixes and ARNs', () => {
    const id = 'anthropic.claude-3-5-sonnet-20240620-v1:0'
    for (const model of [
      id,
      `us.${id}`,
      `eu.${id}`,
      `apac.${id}`,
      `arn:aws:bedrock:us-east-1::foundation-model/${id}`,
      `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${id}`,
    ]) {
      expect(resolvePrice(catalog, { providerType: 'bedrock', model, at: NOW })?.modelId, model).toBe(id)
    }
    expect(inputPrice('bedrock', 'us.meta.llama3-3-70b-instruct-v1:0')).toBe(720_000)
  })

  it('prices Bedrock global profiles apart from regional ones where the vendor does', () => {
    const sonnet = 'anthropic.claude-sonnet-4-5-20250929-v1:0'
    expect(inputPrice('bedrock', `global.${sonnet}`)).toBe(3_000_000)
    expect(inputPrice('bedrock', `us.${sonnet}`)).toBe(3_300_000)
    expect(inputPrice('bedrock', sonnet)).toBe(3_300_000)
    // Before Claude 4.5 a global profile costs the same as the model itself.
    expect(inputPrice('bedrock', 'global.anthropic.claude-sonnet-4-20250514-v1:0')).toBe(3_000_000)
  })

  it('resolves Gemini resource names', () => {
    expect(inputPrice('gemini', 'models/gemini-2.5-pro')).toBe(1_250_000)
    expect(inputPrice('gemini', 'publishers/google/models/gemini-2.5-flash')).toBe(300_000)
    expect(inputPrice('gemini', 'gemini-2.5-pro-preview-06-05')).toBe(1_250_000)
  })

  it('prices openai-compatible providers by their vendor tag, and only with one', () => {
    expect(inputPrice('openai-compatible', 'mistral-large-2411', NOW, 'mistral')).toBe(2_000_000)
    expect(inputPrice('openai-compatible', 'llama-3.3-70b-versatile', NOW, 'Groq')).toBe(590_000)
    expect(inputPrice('openai-compatible', 'deepseek-chat', NOW, 'deepseek')).toBe(280_000)
    expect(inputPrice('openai-compatible', 'gpt-4o', NOW, 'openai')).toBe(2_500_000)
    expect(inputPrice('openai-compatible', 'mistral-large-2411')).toBeUndefined()
    expect(inputPrice('openai-compatible', 'mistral-large-2411', NOW, 'together')).toBeUndefined()
  })

  it('ignores the vendor tag for native provider types', () => {
    expect(inputPrice('anthropic', 'claude-haiku-4-5', NOW, 'mistral')).toBe(1_000_000)
  })

  it('returns undefined, never a zero price, for models it does not know', () => {
    expect(inputPrice('openai', 'gpt-unknown')).toBeUndefined()
    expect(inputPrice('openai', 'claude-sonnet-4-5')).toBeUndefined()
    expect(inputPrice('azure-openai', 'my-gpt4o-deployment')).toBeUndefined()
    expect(inputPrice('bedrock', 'us.anthropic.claude-unknown-v1:0')).toBeUndefined()
    expect(inputPrice('openai-compatible', 'mistral-large-latest', NOW, 'mistral')).toBeUndefined()
  })

  it('refuses an invalid date rather than guessing a period', () => {
    expect(() => resolvePrice(catalog, { providerType: 'openai', model: 'gpt-4o', at: new Date('nope') })).toThrow(
      RangeError,
    )
  })
})
