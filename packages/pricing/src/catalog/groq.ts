import type { VendorCatalogInput } from '../catalog-schema.ts'

/** GroqCloud on-demand list prices, reached through `openai-compatible` with vendor `groq`. */
export const groqCatalog = {
  vendor: 'groq',
  source: 'Groq pricing, https://groq.com/pricing (on-demand)',
  checkedOn: '2026-11-23',
  models: [
    {
      id: 'llama-3.3-70b-versatile',
      periods: [{ effectiveFrom: '2024-12-06', inputMicroUsdPerMTok: 590_000, outputMicroUsdPerMTok: 790_000 }],
    },
    {
      id: 'llama-3.1-8b-instant',
      periods: [{ effectiveFrom: '2024-07-23', inputMicroUsdPerMTok: 50_000, outputMicroUsdPerMTok: 80_000 }],
    },
    {
      id: 'meta-llama/llama-4-scout-17b-16e-instruct',
      periods: [{ effectiveFrom: '2025-04-05', inputMicroUsdPerMTok: 110_000, outputMicroUsdPerMTok: 340_000 }],
    },
    {
      id: 'meta-llama/llama-4-maverick-17b-128e-instruct',
      periods: [{ effectiveFrom: '2025-04-05', inputMicroUsdPerMTok: 200_000, outputMicroUsdPerMTok: 600_000 }],
    },
  ],
} satisfies VendorCatalogInput
