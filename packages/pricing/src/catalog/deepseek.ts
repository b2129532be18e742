import type { VendorCatalogInput } from '../catalog-schema.ts'

/**
 * DeepSeek API list prices, reached through `openai-compatible` with vendor `deepseek`. The
 * cached price is DeepSeek's "cache hit" input price; a cache miss costs the input price, and
 * there is no separate cache-write charge. Reasoning tokens are billed as output. Periods start
 * on whole UTC days, but two changes took effect at 16:00 UTC (2025-02-08 and 2025-09-05), so
 * their first 16 hours are priced at the new list. Not modelled: the off-peak discounts
 * (16:30–00:30 UTC, 2025-02-26 to 2025-09-05); those requests are over-billed at the full price.
 */
export const deepseekCatalog = {
  vendor: 'deepseek',
  source: 'DeepSeek API pricing, https://api-docs.deepseek.com/quick_start/pricing',
  checkedOn: '2026-11-23',
  models: [
    {
      id: 'deepseek-chat',
      periods: [
        {
          effectiveFrom: '2024-12-26',
          inputMicroUsdPerMTok: 140_000,
          outputMicroUsdPerMTok: 280_000,
          cachedInputMicroUsdPerMTok: 14_000,
        },
        // End of the DeepSeek-V3 launch promotion (16:00 UTC).
        {
          effectiveFrom: '2025-02-08',
          inputMicroUsdPerMTok: 270_000,
          outputMicroUsdPerMTok: 1_100_000,
          cachedInputMicroUsdPerMTok: 70_000,
        },
        // DeepSeek-V3.1 price list (16:00 UTC).
        {
          effectiveFrom: '2025-09-05',
          inputMicroUsdPerMTok: 560_000,
          outputMicroUsdPerMTok: 1_680_000,
          cachedInputMicroUsdPerMTok: 70_000,
        },
        // DeepSeek-V3.2-Exp price cut.
        {
          effectiveFrom: '2025-09-29',
          inputMicroUsdPerMTok: 280_000,
          outputMicroUsdPerMTok: 420_000,
          cachedInputMicroUsdPerMTok: 28_000,
        },
      ],
    },
    {
      id: 'deepseek-reasoner',
      periods: [
        {
          effectiveFrom: '2025-01-20',
          inputMicroUsdPerMTok: 550_000,
          outputMicroUsdPerMTok: 2_190_000,
          cachedInputMicroUsdPerMTok: 140_000,
        },
        {
          effectiveFrom: '2025-09-05',
          inputMicroUsdPerMTok: 560_000,
          outputMicroUsdPerMTok: 1_680_000,
          cachedInputMicroUsdPerMTok: 70_000,
        },
        {
          effectiveFrom: '2025-09-29',
          inputMicroUsdPerMTok: 280_000,
          outputMicroUsdPerMTok: 420_000,
          cachedInputMicroUsdPerMTok: 28_000,
        },
      ],
    },
  ],
} satisfies VendorCatalogInput
