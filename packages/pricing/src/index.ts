export { BUILTIN_VENDOR_CATALOGS } from './catalog/index.ts'
export {
  MAX_MICRO_USD_PER_MTOK,
  MAX_REQUEST_MICRO_USD,
  NATIVE_PROVIDER_TYPES,
  type NativeProviderType,
  PricingCatalogSchema,
  type VendorCatalogInput,
  VendorCatalogSchema,
} from './catalog-schema.ts'
export { type CostOptions, costMicroUsd } from './cost-micro-usd.ts'
export {
  loadPricingCatalog,
  type PricedModel,
  type PricingCatalog,
  type VendorPrices,
} from './load-pricing-catalog.ts'
export { fieldsModelPriceDrops, fromModelPrice, toModelPrice } from './model-price-mapping.ts'
export type { CatalogPrice, LongContextTier, PriceSchedule, PriceTier } from './price-schedule.ts'
export { PricingCatalogError } from './pricing-catalog-error.ts'
export { type PriceQuery, resolvePrice } from './resolve-price.ts'
export { vendorFromBaseUrl } from './vendor-from-base-url.ts'
