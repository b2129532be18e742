import { BUILTIN_VENDOR_CATALOGS } from './catalog/index.ts'
import {
  type NativeProviderType,
  type PricePeriod,
  PricingCatalogSchema,
  type VendorCatalog,
} from './catalog-schema.ts'
import { checkCatalog } from './check-catalog.ts'
import { describeCatalogPath, PricingCatalogError } from './pricing-catalog-error.ts'

export interface PricedModel {
  /** The canonical id; aliases map to the same entry. */
  readonly id: string
  /** Oldest first, dates strictly increasing. */
  readonly periods: readonly PricePeriod[]
}

export interface VendorPrices {
  readonly vendor: string
  readonly source: string
  readonly checkedOn: string
  /** Keyed by lower-cased id and every lower-cased alias. */
  readonly models: ReadonlyMap<string, PricedModel>
}

/** A validated catalog, indexed for lookups. Build it once (at startup or per snapshot), then only read it. */
export interface PricingCatalog {
  readonly vendors: ReadonlyMap<string, VendorPrices>
  readonly byProviderType: ReadonlyMap<NativeProviderType, VendorPrices>
}

/**
 * Validates a catalog (the built-in one unless another is given) and indexes it. Any bad entry
 * refuses the whole catalog with a `PricingCatalogError` naming every problem: a partly loaded
 * catalog would silently leave models unpriced.
 */
export function loadPricingCatalog(input: unknown = BUILTIN_VENDOR_CATALOGS): PricingCatalog {
  const parsed = PricingCatalogSchema.safeParse(input)
  if (!parsed.success) {
    throw new PricingCatalogError(
      parsed.error.issues.map((issue) => {
        const path = issue.path.filter((key) => typeof key !== 'symbol')
        return `${describeCatalogPath(input, path)}: ${issue.message}`
      }),
    )
  }
  const problems = checkCatalog(parsed.data)
  if (problems.length > 0) {
    throw new PricingCatalogError(
      problems.map((problem) => `${describeCatalogPath(input, problem.path)}: ${problem.message}`),
    )
  }
  return indexCatalog(parsed.data)
}

function indexCatalog(vendors: readonly VendorCatalog[]): PricingCatalog {
  const byVendor = new Map<string, VendorPrices>()
  const byProviderType = new Map<NativeProviderType, VendorPrices>()
  for (const vendor of vendors) {
    const models = new Map<string, PricedModel>()
    for (const model of vendor.models) {
      const priced: PricedModel = { id: model.id, periods: model.periods }
      for (const name of [model.id, ...model.aliases]) models.set(name.toLowerCase(), priced)
    }
    const prices: VendorPrices = { vendor: vendor.vendor, source: vendor.source, checkedOn: vendor.checkedOn, models }
    byVendor.set(vendor.vendor, prices)
    for (const type of vendor.providerTypes) byProviderType.set(type, prices)
  }
  return { vendors: byVendor, byProviderType }
}
