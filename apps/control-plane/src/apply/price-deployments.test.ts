import { ConfigFile } from '@switchyard/contracts'
import { loadPricingCatalog } from '@switchyard/pricing'
import { describe, expect, it } from 'vitest'
import { priceDeployments } from './price-deployments.ts'

const config = ConfigFile.parse({
  version: 1,
  providers: [
    { name: 'openai', type: 'openai', apiKey: { env: 'OPENAI_API_KEY' } },
    { name: 'groq', type: 'openai-compatible', baseUrl: 'https://api.groq.com/openai/v1' },
    { name: 'local', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1' },
  ],
  models: [
    {
      name: 'chat',
      deployments: [
        { provider: 'openai', model: 'gpt-4o-mini' },
        { provider: 'openai', model: 'gpt-4o', prices: { inputMicroUsdPerMTok: 1, outputMicroUsdPerMTok: 2 } },
        { provider: 'groq', model: 'llama-3.1-8b-instant' },
        { provider: 'local', model: 'my-finetune' },
      ],
    },
  ],
})

describe('priceDeployments', () => {
  const { models, warnings } = priceDeployments(
    config.models,
    config.providers,
    loadPricingCatalog(),
    new Date('2026-11-01T00:00:00Z'),
  )
  const prices = models[0]?.deployments.map((deployment) => deployment.prices)

  it('fills catalog prices for deployments the config does not price, in integer micro-USD', () => {
    expect(prices?.[0]).toMatchObject({ inputMicroUsdPerMTok: 150_000, outputMicroUsdPerMTok: 600_000 })
    expect(prices?.[2]).toMatchObject({ inputMicroUsdPerMTok: 50_000, outputMicroUsdPerMTok: 80_000 })
  })

  it('keeps prices the config gives', () => {
    expect(prices?.[1]).toEqual({ inputMicroUsdPerMTok: 1, outputMicroUsdPerMTok: 2 })
  })

  it('warns about a model the catalog does not know instead of pricing it silently', () => {
    expect(prices?.[3]).toBeUndefined()
    expect(warnings).toEqual([
      {
        path: 'models[0].deployments[3].prices',
        message:
          'the pricing catalog has no price for openai-compatible model "my-finetune"; its usage is metered at $0 until prices are given',
      },
    ])
  })
})
