import type { VendorCatalogInput } from '../catalog-schema.ts'

/**
 * OpenAI list prices, Standard processing tier. Azure OpenAI (global standard deployments) bills
 * the same per-token prices. Not modelled: Batch, Flex and Priority tiers, tool calls (web and
 * file search), audio and image tokens. Reasoning tokens are billed as output.
 */
export const openaiCatalog = {
  vendor: 'openai',
  providerTypes: ['openai', 'azure-openai'],
  source: 'OpenAI API pricing, https://platform.openai.com/docs/pricing (Standard tier)',
  checkedOn: '2026-11-23',
  models: [
    {
      // The `gpt-4o` alias moved from the 2024-05-13 snapshot to 2024-08-06 on 2024-10-02. The
      // 2024-08-06 snapshot itself cost $2.50/$10 from its launch, so its usage before 2024-10-02
      // is over-billed here: harmless for a gateway that prices requests as they happen.
      id: 'gpt-4o',
      aliases: ['gpt-4o-2024-08-06', 'gpt-4o-2024-11-20'],
      periods: [
        { effectiveFrom: '2024-05-13', inputMicroUsdPerMTok: 5_000_000, outputMicroUsdPerMTok: 15_000_000 },
        {
          effectiveFrom: '2024-10-02',
          inputMicroUsdPerMTok: 2_500_000,
          outputMicroUsdPerMTok: 10_000_000,
          cachedInputMicroUsdPerMTok: 1_250_000,
        },
      ],
    },
    {
      id: 'gpt-4o-2024-05-13',
      periods: [{ effectiveFrom: '2024-05-13', inputMicroUsdPerMTok: 5_000_000, outputMicroUsdPerMTok: 15_000_000 }],
    },
    {
      id: 'gpt-4o-mini',
      aliases: ['gpt-4o-mini-2024-07-18'],
      periods: [
        { effectiveFrom: '2024-07-18', inputMicroUsdPerMTok: 150_000, outputMicroUsdPerMTok: 600_000 },
        // Prompt caching started on 2024-10-01.
        {
          effectiveFrom: '2024-10-01',
          inputMicroUsdPerMTok: 150_000,
          outputMicroUsdPerMTok: 600_000,
          cachedInputMicroUsdPerMTok: 75_000,
        },
      ],
    },
    {
      id: 'gpt-4.1',
      aliases: ['gpt-4.1-2025-04-14'],
      periods: [
        {
          effectiveFrom: '2025-04-14',
          inputMicroUsdPerMTok: 2_000_000,
          outputMicroUsdPerMTok: 8_000_000,
          cachedInputMicroUsdPerMTok: 500_000,
        },
      ],
    },
    {
      id: 'gpt-4.1-mini',
      aliases: ['gpt-4.1-mini-2025-04-14'],
      periods: [
        {
          effectiveFrom: '2025-04-14',
          inputMicroUsdPerMTok: 400_000,
          outputMicroUsdPerMTok: 1_600_000,
          cachedInputMicroUsdPerMTok: 100_000,
        },
      ],
    },
    {
      id: 'gpt-4.1-nano',
      aliases: ['gpt-4.1-nano-2025-04-14'],
      periods: [
        {
          effectiveFrom: '2025-04-14',
          inputMicroUsdPerMTok: 100_000,
          outputMicroUsdPerMTok: 400_000,
          cachedInputMicroUsdPerMTok: 25_000,
        },
      ],
    },
    {
      id: 'o1',
      aliases: ['o1-2024-12-17'],
      periods: [
        {
          effectiveFrom: '2024-12-17',
          inputMicroUsdPerMTok: 15_000_000,
          outputMicroUsdPerMTok: 60_000_000,
          cachedInputMicroUsdPerMTok: 7_500_000,
        },
      ],
    },
    {
      id: 'o3-mini',
      aliases: ['o3-mini-2025-01-31'],
      periods: [
        {
          effectiveFrom: '2025-01-31',
          inputMicroUsdPerMTok: 1_100_000,
          outputMicroUsdPerMTok: 4_400_000,
          cachedInputMicroUsdPerMTok: 550_000,
        },
      ],
    },
    {
      id: 'o3',
      aliases: ['o3-2025-04-16'],
      periods: [
        {
          effectiveFrom: '2025-04-16',
          inputMicroUsdPerMTok: 10_000_000,
          outputMicroUsdPerMTok: 40_000_000,
          cachedInputMicroUsdPerMTok: 2_500_000,
        },
        // The 80% price cut.
        {
          effectiveFrom: '2025-06-10',
          inputMicroUsdPerMTok: 2_000_000,
          outputMicroUsdPerMTok: 8_000_000,
          cachedInputMicroUsdPerMTok: 500_000,
        },
      ],
    },
    {
      id: 'o4-mini',
      aliases: ['o4-mini-2025-04-16'],
      periods: [
        {
          effectiveFrom: '2025-04-16',
          inputMicroUsdPerMTok: 1_100_000,
          outputMicroUsdPerMTok: 4_400_000,
          cachedInputMicroUsdPerMTok: 275_000,
        },
      ],
    },
    {
      id: 'gpt-5',
      aliases: ['gpt-5-2025-08-07'],
      periods: [
        {
          effectiveFrom: '2025-08-07',
          inputMicroUsdPerMTok: 1_250_000,
          outputMicroUsdPerMTok: 10_000_000,
          cachedInputMicroUsdPerMTok: 125_000,
        },
      ],
    },
    {
      id: 'gpt-5-mini',
      aliases: ['gpt-5-mini-2025-08-07'],
      periods: [
        {
          effectiveFrom: '2025-08-07',
          inputMicroUsdPerMTok: 250_000,
          outputMicroUsdPerMTok: 2_000_000,
          cachedInputMicroUsdPerMTok: 25_000,
        },
      ],
    },
    {
      id: 'gpt-5-nano',
      aliases: ['gpt-5-nano-2025-08-07'],
      periods: [
        {
          effectiveFrom: '2025-08-07',
          inputMicroUsdPerMTok: 50_000,
          outputMicroUsdPerMTok: 400_000,
          cachedInputMicroUsdPerMTok: 5_000,
        },
      ],
    },
    {
      id: 'gpt-5.1',
      aliases: ['gpt-5.1-2025-11-13'],
      periods: [
        {
          effectiveFrom: '2025-11-13',
          inputMicroUsdPerMTok: 1_250_000,
          outputMicroUsdPerMTok: 10_000_000,
          cachedInputMicroUsdPerMTok: 125_000,
        },
      ],
    },
    {
      // Embeddings have no output tokens: the zero output price is real, not a placeholder.
      id: 'text-embedding-3-small',
      periods: [{ effectiveFrom: '2024-01-25', inputMicroUsdPerMTok: 20_000, outputMicroUsdPerMTok: 0 }],
    },
    {
      id: 'text-embedding-3-large',
      periods: [{ effectiveFrom: '2024-01-25', inputMicroUsdPerMTok: 130_000, outputMicroUsdPerMTok: 0 }],
    },
  ],
} satisfies VendorCatalogInput
