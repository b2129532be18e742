import type { VendorCatalogInput } from '../catalog-schema.ts'

/**
 * Gemini Developer API list prices, paid tier, for text, image and video input. Output prices
 * include thinking tokens. Not modelled: audio input (priced higher: 2.5 Flash bills it at
 * $1.00/MTok, so audio is under-billed here), context-cache storage per hour, grounding fees,
 * Batch and Flex (50% off) and Priority tiers. The cached prices are the current ones (10% of
 * input on the 2.5 models); earlier they were 25% of input ($0.31 / $0.625 for 2.5 Pro), but
 * the day that changed is not recorded here.
 */
export const googleCatalog = {
  vendor: 'google',
  providerTypes: ['gemini'],
  source: 'Gemini Developer API pricing, https://ai.google.dev/gemini-api/docs/pricing (paid tier)',
  checkedOn: '2026-11-23',
  models: [
    {
      id: 'gemini-2.5-pro',
      aliases: ['gemini-2.5-pro-preview-03-25', 'gemini-2.5-pro-preview-05-06', 'gemini-2.5-pro-preview-06-05'],
      periods: [
        // Paid preview pricing from 2025-04-04; unchanged at general availability (2025-06-17).
        {
          effectiveFrom: '2025-04-04',
          inputMicroUsdPerMTok: 1_250_000,
          outputMicroUsdPerMTok: 10_000_000,
          cachedInputMicroUsdPerMTok: 125_000,
          longContext: {
            thresholdInputTokens: 200_000,
            inputMicroUsdPerMTok: 2_500_000,
            outputMicroUsdPerMTok: 15_000_000,
            cachedInputMicroUsdPerMTok: 250_000,
          },
        },
      ],
    },
    {
      id: 'gemini-2.5-flash',
      periods: [
        {
          effectiveFrom: '2025-06-17',
          inputMicroUsdPerMTok: 300_000,
          outputMicroUsdPerMTok: 2_500_000,
          cachedInputMicroUsdPerMTok: 30_000,
        },
      ],
    },
    {
      id: 'gemini-2.5-flash-lite',
      aliases: ['gemini-2.5-flash-lite-preview-06-17'],
      periods: [
        {
          effectiveFrom: '2025-06-17',
          inputMicroUsdPerMTok: 100_000,
          outputMicroUsdPerMTok: 400_000,
          cachedInputMicroUsdPerMTok: 10_000,
        },
      ],
    },
    {
      id: 'gemini-2.0-flash',
      aliases: ['gemini-2.0-flash-001'],
      periods: [
        {
          effectiveFrom: '2025-02-05',
          inputMicroUsdPerMTok: 100_000,
          outputMicroUsdPerMTok: 400_000,
          cachedInputMicroUsdPerMTok: 25_000,
        },
      ],
    },
    {
      id: 'gemini-2.0-flash-lite',
      aliases: ['gemini-2.0-flash-lite-001'],
      periods: [{ effectiveFrom: '2025-02-25', inputMicroUsdPerMTok: 75_000, outputMicroUsdPerMTok: 300_000 }],
    },
    {
      id: 'gemini-3-pro-preview',
      periods: [
        {
          effectiveFrom: '2025-11-18',
          inputMicroUsdPerMTok: 2_000_000,
          outputMicroUsdPerMTok: 12_000_000,
          cachedInputMicroUsdPerMTok: 200_000,
          longContext: {
            thresholdInputTokens: 200_000,
            inputMicroUsdPerMTok: 4_000_000,
            outputMicroUsdPerMTok: 18_000_000,
            cachedInputMicroUsdPerMTok: 400_000,
          },
        },
      ],
    },
  ],
} satisfies VendorCatalogInput
