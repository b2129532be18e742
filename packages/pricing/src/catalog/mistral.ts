import type { VendorCatalogInput } from '../catalog-schema.ts'

/**
 * Mistral AI (La Plateforme) list prices, reached through `openai-compatible` with vendor
 * `mistral`. Only dated ids are listed: the `-latest` aliases move to new models whose prices can
 * differ, so a static catalog cannot price them safely; pin a dated id or configure `prices`.
 */
export const mistralCatalog = {
  vendor: 'mistral',
  source: 'Mistral AI pricing, https://mistral.ai/pricing#api-pricing',
  checkedOn: '2026-11-23',
  models: [
    {
      id: 'mistral-large-2407',
      periods: [
        { effectiveFrom: '2024-07-24', inputMicroUsdPerMTok: 3_000_000, outputMicroUsdPerMTok: 9_000_000 },
        // La Plateforme's September 2024 price cut.
        { effectiveFrom: '2024-09-17', inputMicroUsdPerMTok: 2_000_000, outputMicroUsdPerMTok: 6_000_000 },
      ],
    },
    {
      id: 'mistral-large-2411',
      periods: [{ effectiveFrom: '2024-11-18', inputMicroUsdPerMTok: 2_000_000, outputMicroUsdPerMTok: 6_000_000 }],
    },
    {
      id: 'mistral-medium-2505',
      periods: [{ effectiveFrom: '2025-05-07', inputMicroUsdPerMTok: 400_000, outputMicroUsdPerMTok: 2_000_000 }],
    },
    {
      id: 'mistral-medium-2508',
      periods: [{ effectiveFrom: '2025-08-12', inputMicroUsdPerMTok: 400_000, outputMicroUsdPerMTok: 2_000_000 }],
    },
    {
      id: 'mistral-small-2501',
      periods: [{ effectiveFrom: '2025-01-30', inputMicroUsdPerMTok: 100_000, outputMicroUsdPerMTok: 300_000 }],
    },
    {
      id: 'mistral-small-2503',
      periods: [{ effectiveFrom: '2025-03-17', inputMicroUsdPerMTok: 100_000, outputMicroUsdPerMTok: 300_000 }],
    },
    {
      id: 'mistral-small-2506',
      periods: [{ effectiveFrom: '2025-06-20', inputMicroUsdPerMTok: 100_000, outputMicroUsdPerMTok: 300_000 }],
    },
    {
      id: 'codestral-2501',
      periods: [{ effectiveFrom: '2025-01-13', inputMicroUsdPerMTok: 300_000, outputMicroUsdPerMTok: 900_000 }],
    },
    {
      id: 'codestral-2508',
      periods: [{ effectiveFrom: '2025-07-30', inputMicroUsdPerMTok: 300_000, outputMicroUsdPerMTok: 900_000 }],
    },
  ],
} satisfies VendorCatalogInput
