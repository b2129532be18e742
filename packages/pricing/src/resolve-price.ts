import type { ProviderType } from '@switchyard/contracts'
import type { PricedModel, PricingCatalog, VendorPrices } from './load-pricing-catalog.ts'
import type { CatalogPrice } from './price-schedule.ts'

export interface PriceQuery {
  readonly providerType: ProviderType
  /** The vendor tag (`mistral`, `groq`, `deepseek`…): needed for `openai-compatible`, ignored otherwise. */
  readonly vendor?: string | undefined
  /** The model id sent upstream. For Azure, the underlying model (`gpt-4o`), not the deployment name. */
  readonly model: string
  /** When the request ran; a period applies from 00:00 UTC of its `effectiveFrom` day. */
  readonly at: Date
}

/** Cross-region inference profiles put a geography in front of the model id: `us.anthropic.claude-…`. */
const BEDROCK_GEO_PREFIX = /^(?:us|us-gov|eu|apac|jp|au|ca|global)\./

/**
 * The ids to try, most specific first. Bedrock ids may come as ARNs and with a geography prefix
 * (tried with the prefix first: a `global.` profile can be priced apart from the regional one);
 * Gemini ids may come as `models/…` or `publishers/google/models/…` resource names.
 */
function candidateIds(providerType: ProviderType, model: string): string[] {
  const id = model.trim().toLowerCase()
  if (providerType === 'bedrock') {
    const bare = id.slice(id.lastIndexOf('/') + 1)
    return [bare, bare.replace(BEDROCK_GEO_PREFIX, '')]
  }
  if (providerType === 'gemini') return [id.slice(id.lastIndexOf('/') + 1)]
  return [id]
}

function vendorFor(catalog: PricingCatalog, query: PriceQuery): VendorPrices | undefined {
  if (query.providerType !== 'openai-compatible') return catalog.byProviderType.get(query.providerType)
  return query.vendor === undefined ? undefined : catalog.vendors.get(query.vendor.trim().toLowerCase())
}

function utcDay(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new RangeError('resolvePrice: `at` is an invalid Date')
  return at.toISOString().slice(0, 10)
}

/**
 * The catalog's prices for a model at a date, or `undefined` when the catalog does not know the
 * model (or the date is before its first price): never a zero price for a model we cannot price.
 */
export function resolvePrice(catalog: PricingCatalog, query: PriceQuery): CatalogPrice | undefined {
  const day = utcDay(query.at)
  const vendor = vendorFor(catalog, query)
  if (vendor === undefined) return undefined
  let model: PricedModel | undefined
  for (const id of candidateIds(query.providerType, query.model)) {
    model = vendor.models.get(id)
    if (model !== undefined) break
  }
  if (model === undefined) return undefined
  const period = model.periods.findLast((candidate) => candidate.effectiveFrom <= day)
  if (period === undefined) return undefined
  return { ...period, vendor: vendor.vendor, modelId: model.id, source: vendor.source, checkedOn: vendor.checkedOn }
}
