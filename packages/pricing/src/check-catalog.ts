import type { PricePeriod, VendorCatalog } from './catalog-schema.ts'
import { type BilledTierPrices, billedTierPrices } from './price-schedule.ts'

export type CatalogPath = readonly (string | number)[]

export interface CatalogProblem {
  readonly path: CatalogPath
  readonly message: string
}

/**
 * The checks that span more than one field, run on a catalog that already matched the schema:
 * dates in order, names unique, long-context prices never below the base prices.
 */
export function checkCatalog(vendors: readonly VendorCatalog[]): CatalogProblem[] {
  const problems: CatalogProblem[] = []
  const vendorTags = new Map<string, number>()
  const providerTypes = new Map<string, string>()
  vendors.forEach((vendor, vendorIndex) => {
    const earlier = vendorTags.get(vendor.vendor)
    if (earlier !== undefined) {
      problems.push({ path: [vendorIndex, 'vendor'], message: `duplicates the vendor tag of catalog #${earlier}` })
    }
    vendorTags.set(vendor.vendor, vendorIndex)
    vendor.providerTypes.forEach((type, typeIndex) => {
      const owner = providerTypes.get(type)
      if (owner !== undefined) {
        problems.push({
          path: [vendorIndex, 'providerTypes', typeIndex],
          message: `provider type "${type}" is already priced by vendor "${owner}"`,
        })
      }
      providerTypes.set(type, vendor.vendor)
    })
    problems.push(...checkModelNames(vendor, vendorIndex), ...checkPeriods(vendor, vendorIndex))
  })
  return problems
}

/** Ids and aliases share one case-insensitive namespace per vendor, since lookups ignore case. */
function checkModelNames(vendor: VendorCatalog, vendorIndex: number): CatalogProblem[] {
  const problems: CatalogProblem[] = []
  const owners = new Map<string, { id: string; modelIndex: number }>()
  vendor.models.forEach((model, modelIndex) => {
    const names: [string, CatalogPath][] = [
      [model.id, [vendorIndex, 'models', modelIndex, 'id']],
      ...model.aliases.map((alias, aliasIndex): [string, CatalogPath] => [
        alias,
        [vendorIndex, 'models', modelIndex, 'aliases', aliasIndex],
      ]),
    ]
    for (const [name, path] of names) {
      const key = name.toLowerCase()
      const owner = owners.get(key)
      if (owner !== undefined) {
        const what =
          owner.modelIndex === modelIndex ? 'appears twice in this model' : `collides with model "${owner.id}"`
        problems.push({ path, message: `"${name}" ${what}` })
      } else {
        owners.set(key, { id: model.id, modelIndex })
      }
    }
  })
  return problems
}

function checkPeriods(vendor: VendorCatalog, vendorIndex: number): CatalogProblem[] {
  const problems: CatalogProblem[] = []
  vendor.models.forEach((model, modelIndex) => {
    model.periods.forEach((period, periodIndex) => {
      const path = [vendorIndex, 'models', modelIndex, 'periods', periodIndex]
      const previous = model.periods[periodIndex - 1]
      if (previous !== undefined && period.effectiveFrom <= previous.effectiveFrom) {
        problems.push({
          path: [...path, 'effectiveFrom'],
          message: `must be after the previous period's ${previous.effectiveFrom} (periods go strictly forward in time)`,
        })
      }
      problems.push(...checkLongContext(period, [...path, 'longContext']))
    })
  })
  return problems
}

/** A cheaper long-context tier would make a longer prompt cost less: a data error, never a real price. */
function checkLongContext(period: PricePeriod, path: CatalogPath): CatalogProblem[] {
  if (period.longContext === undefined) return []
  const base = billedTierPrices(period)
  const long = billedTierPrices(period.longContext)
  const kinds = Object.keys(base) as (keyof BilledTierPrices)[]
  return kinds
    .filter((kind) => long[kind] < base[kind])
    .map((kind) => ({ path, message: `${kind} price ${long[kind]} is below the base price ${base[kind]}` }))
}
