import { describe, expect, it } from 'vitest'
import { loadPricingCatalog } from './load-pricing-catalog.ts'
import { PricingCatalogError } from './pricing-catalog-error.ts'

type Json = Record<string, unknown>

const period = (overrides: Json = {}): Json => ({
  effectiveFrom: '2025-01-01',
  inputMicroUsdPerMTok: 1_000_000,
  outputMicroUsdPerMTok: 4_000_000,
  ...overrides,
})

const vendor = (models: Json[], overrides: Json = {}): Json => ({
  vendor: 'acme',
  providerTypes: ['openai'],
  source: 'Acme pricing page',
  checkedOn: '2025-06-01',
  models,
  ...overrides,
})

const model = (id: string, periods: Json[], aliases: string[] = []): Json => ({ id, aliases, periods })

/** The problems a refused catalog names; fails the test when the catalog loads. */
function problemsOf(input: unknown): readonly string[] {
  try {
    loadPricingCatalog(input)
  } catch (error) {
    expect(error).toBeInstanceOf(PricingCatalogError)
    if (error instanceof PricingCatalogError) {
      expect(error.message).toContain(error.problems[0])
      return error.problems
    }
  }
  throw new Error('the catalog loaded, but it should have been refused')
}

const onePeriod = (overrides: Json): Json[] => [vendor([model('acme-1', [period(overrides)])])]

describe('loadPricingCatalog', () => {
  it('loads the built-in catalog', () => {
    const catalog = loadPricingCatalog()
    expect([...catalog.vendors.keys()]).toEqual([
      'openai',
      'anthropic',
      'google',
      'bedrock',
      'mistral',
      'groq',
      'deepseek',
    ])
    expect(catalog.byProviderType.get('azure-openai')?.vendor).toBe('openai')
  })

  it('loads a valid custom catalog and indexes ids and aliases case-insensitively', () => {
    const catalog = loadPricingCatalog([vendor([model('Acme-1', [period()], ['acme-1-2025-01-01'])])])
    const models = catalog.vendors.get('acme')?.models
    expect(models?.get('acme-1')?.id).toBe('Acme-1')
    expect(models?.get('acme-1-2025-01-01')?.id).toBe('Acme-1')
  })

  it('refuses negative, fractional, non-finite and absurd prices, naming vendor, model and period', () => {
    const where = 'vendor "acme" > model "acme-1" > period from 2025-01-01'
    expect(problemsOf(onePeriod({ inputMicroUsdPerMTok: -1 }))).toEqual([
      `${where} > inputMicroUsdPerMTok: must not be negative`,
    ])
    expect(problemsOf(onePeriod({ outputMicroUsdPerMTok: 2.5 }))).toEqual([
      `${where} > outputMicroUsdPerMTok: must be a whole number of micro-USD per MTok (no fractions)`,
    ])
    expect(problemsOf(onePeriod({ cachedInputMicroUsdPerMTok: Number.NaN }))).toHaveLength(1)
    expect(problemsOf(onePeriod({ inputMicroUsdPerMTok: Number.POSITIVE_INFINITY }))).toEqual([
      `${where} > inputMicroUsdPerMTok: must be finite`,
    ])
    expect(problemsOf(onePeriod({ outputMicroUsdPerMTok: 10_000_000_001 }))).toEqual([
      `${where} > outputMicroUsdPerMTok: is absurd: above $10,000 per MTok (10000000000 micro-USD)`,
    ])
    expect(problemsOf(onePeriod({ requestMicroUsd: 100_000_001 }))).toEqual([
      `${where} > requestMicroUsd: is absurd: above $100 per request (100000000 micro-USD)`,
    ])
    expect(problemsOf(onePeriod({ inputMicroUsdPerMTok: '2.50' }))).toEqual([
      `${where} > inputMicroUsdPerMTok: must be a number of micro-USD per MTok`,
    ])
  })

  it('accepts the largest sane price and an explicit zero (embeddings have no output price)', () => {
    expect(() => loadPricingCatalog(onePeriod({ inputMicroUsdPerMTok: 10_000_000_000 }))).not.toThrow()
    expect(() => loadPricingCatalog(onePeriod({ outputMicroUsdPerMTok: 0 }))).not.toThrow()
  })

  it('refuses a period without an input or an output price', () => {
    const missing = (field: string) => {
      const { [field]: _dropped, ...rest } = period()
      return [vendor([model('acme-1', [rest])])]
    }
    expect(problemsOf(missing('inputMicroUsdPerMTok'))).toEqual([
      'vendor "acme" > model "acme-1" > period from 2025-01-01 > inputMicroUsdPerMTok: is required',
    ])
    expect(problemsOf(missing('outputMicroUsdPerMTok'))).toEqual([
      'vendor "acme" > model "acme-1" > period from 2025-01-01 > outputMicroUsdPerMTok: is required',
    ])
  })

  it('refuses periods that do not go strictly forward in time', () => {
    const periods = [period({ effectiveFrom: '2025-03-01' }), period({ effectiveFrom: '2025-02-01' })]
    expect(problemsOf([vendor([model('acme-1', periods)])])).toEqual([
      'vendor "acme" > model "acme-1" > period from 2025-02-01 > effectiveFrom: ' +
        "must be after the previous period's 2025-03-01 (periods go strictly forward in time)",
    ])
    const sameDay = [period(), period({ inputMicroUsdPerMTok: 2_000_000 })]
    expect(problemsOf([vendor([model('acme-1', sameDay)])])).toHaveLength(1)
  })

  it('refuses dates that are not real calendar days, and a model without periods', () => {
    expect(problemsOf(onePeriod({ effectiveFrom: '2025-02-30' }))).toEqual([
      'vendor "acme" > model "acme-1" > period from 2025-02-30 > effectiveFrom: is not a real calendar date',
    ])
    expect(problemsOf(onePeriod({ effectiveFrom: '1/2/2025' }))[0]).toContain('must be a date like 2025-01-31')
    expect(problemsOf([vendor([model('acme-1', [])])])).toEqual([
      'vendor "acme" > model "acme-1" > periods: needs at least one price period',
    ])
  })

  it('refuses duplicate model ids and aliases that collide, ignoring case', () => {
    const duplicateIds = [vendor([model('acme-1', [period()]), model('acme-1', [period()])])]
    expect(problemsOf(duplicateIds)).toEqual([
      'vendor "acme" > model "acme-1" > id: "acme-1" collides with model "acme-1"',
    ])
    const aliasHitsId = [vendor([model('acme-1', [period()]), model('acme-2', [period()], ['ACME-1'])])]
    expect(problemsOf(aliasHitsId)).toEqual([
      'vendor "acme" > model "acme-2" > aliases[0]: "ACME-1" collides with model "acme-1"',
    ])
    const aliasTwice = [vendor([model('acme-1', [period()], ['acme-1-latest', 'acme-1-latest'])])]
    expect(problemsOf(aliasTwice)).toEqual([
      'vendor "acme" > model "acme-1" > aliases[1]: "acme-1-latest" appears twice in this model',
    ])
  })

  it('refuses a cached-input price above the input price, in the base and the long-context tier', () => {
    expect(problemsOf(onePeriod({ cachedInputMicroUsdPerMTok: 1_000_001 }))).toEqual([
      'vendor "acme" > model "acme-1" > period from 2025-01-01 > cachedInputMicroUsdPerMTok: ' +
        '1000001 is above the input price 1000000',
    ])
    const longContext = { thresholdInputTokens: 200_000, inputMicroUsdPerMTok: 2_000_000 }
    const badTier = { ...longContext, outputMicroUsdPerMTok: 6_000_000, cachedInputMicroUsdPerMTok: 3_000_000 }
    expect(problemsOf(onePeriod({ longContext: badTier }))).toEqual([
      'vendor "acme" > model "acme-1" > period from 2025-01-01 > longContext > cachedInputMicroUsdPerMTok: ' +
        '3000000 is above the input price 2000000',
    ])
  })

  it('refuses a long-context tier cheaper than the base tier', () => {
    const cheaper = { thresholdInputTokens: 200_000, inputMicroUsdPerMTok: 2_000_000, outputMicroUsdPerMTok: 3_000_000 }
    expect(problemsOf(onePeriod({ longContext: cheaper }))).toEqual([
      'vendor "acme" > model "acme-1" > period from 2025-01-01 > longContext: ' +
        'output price 3000000 is below the base price 4000000',
      'vendor "acme" > model "acme-1" > period from 2025-01-01 > longContext: ' +
        'reasoning price 3000000 is below the base price 4000000',
    ])
  })

  it('refuses duplicate vendor tags, a provider type priced twice and unknown fields', () => {
    const twice = [vendor([model('a', [period()])]), vendor([model('b', [period()])], { providerTypes: [] })]
    expect(problemsOf(twice)).toEqual(['vendor "acme" > vendor: duplicates the vendor tag of catalog #0'])
    const sameType = [vendor([model('a', [period()])]), vendor([model('b', [period()])], { vendor: 'other' })]
    expect(problemsOf(sameType)).toEqual([
      'vendor "other" > providerTypes[0]: provider type "openai" is already priced by vendor "acme"',
    ])
    expect(problemsOf(onePeriod({ cachedInputMicroUsdPerMtok: 5 }))).toEqual([
      'vendor "acme" > model "acme-1" > period from 2025-01-01: Unrecognized key: "cachedInputMicroUsdPerMtok"',
    ])
    expect(problemsOf([vendor([model('a', [period()])], { providerTypes: ['openai-compatible'] })])).toHaveLength(1)
  })

  it('lists every problem of a catalog at once, not just the first', () => {
    const input = [vendor([model('acme-1', [period({ inputMicroUsdPerMTok: -1, outputMicroUsdPerMTok: 0.5 })])])]
    expect(problemsOf(input)).toHaveLength(2)
    expect(problemsOf('not a catalog')).toEqual(['catalog: Invalid input: expected array, received string'])
  })
})
