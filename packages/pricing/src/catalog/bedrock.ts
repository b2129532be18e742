import type { VendorCatalogInput } from '../catalog-schema.ts'
import { SONNET_LONG_CONTEXT, SONNET_TIER } from './claude-tiers.ts'

/**
 * Amazon Bedrock on-demand list prices in us-east-1 (some other regions cost more; not modelled).
 * A cross-region profile (`us.`, `eu.`, `apac.` …) bills like the plain model id. From the Claude
 * 4.5 models on, `global.` profiles cost list price and regional ones (geographic profiles and
 * in-region ids) 10% more, so those `global.` ids are entries of their own. Bedrock publishes no
 * separate 1-hour cache-write prices: they are set to Anthropic's rule, twice the input price.
 * Nova cache writes cost the input price. Not modelled: Batch, latency-optimized inference,
 * Provisioned Throughput, Priority and Flex tiers.
 */
export const bedrockCatalog = {
  vendor: 'bedrock',
  providerTypes: ['bedrock'],
  source: 'Amazon Bedrock pricing, https://aws.amazon.com/bedrock/pricing/ (on-demand, us-east-1)',
  checkedOn: '2026-11-23',
  models: [
    {
      id: 'anthropic.claude-3-haiku-20240307-v1:0',
      periods: [{ effectiveFrom: '2024-03-14', inputMicroUsdPerMTok: 250_000, outputMicroUsdPerMTok: 1_250_000 }],
    },
    {
      id: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
      periods: [{ effectiveFrom: '2024-06-20', inputMicroUsdPerMTok: 3_000_000, outputMicroUsdPerMTok: 15_000_000 }],
    },
    {
      id: 'anthropic.claude-3-5-sonnet-20241022-v2:0',
      periods: [
        {
          effectiveFrom: '2024-10-22',
          inputMicroUsdPerMTok: 3_000_000,
          outputMicroUsdPerMTok: 15_000_000,
          cachedInputMicroUsdPerMTok: 300_000,
          cacheWrite5mMicroUsdPerMTok: 3_750_000,
        },
      ],
    },
    {
      id: 'anthropic.claude-3-5-haiku-20241022-v1:0',
      periods: [
        {
          effectiveFrom: '2024-11-04',
          inputMicroUsdPerMTok: 800_000,
          outputMicroUsdPerMTok: 4_000_000,
          cachedInputMicroUsdPerMTok: 80_000,
          cacheWrite5mMicroUsdPerMTok: 1_000_000,
        },
      ],
    },
    {
      id: 'anthropic.claude-3-7-sonnet-20250219-v1:0',
      periods: [
        {
          effectiveFrom: '2025-02-24',
          ...SONNET_TIER,
        },
      ],
    },
    {
      id: 'anthropic.claude-sonnet-4-20250514-v1:0',
      periods: [
        {
          effectiveFrom: '2025-05-22',
          ...SONNET_TIER,
        },
        {
          effectiveFrom: '2025-08-12',
          ...SONNET_TIER,
          longContext: SONNET_LONG_CONTEXT,
        },
      ],
    },
    {
      id: 'anthropic.claude-opus-4-20250514-v1:0',
      periods: [
        {
          effectiveFrom: '2025-05-22',
          inputMicroUsdPerMTok: 15_000_000,
          outputMicroUsdPerMTok: 75_000_000,
          cachedInputMicroUsdPerMTok: 1_500_000,
          cacheWrite5mMicroUsdPerMTok: 18_750_000,
          cacheWrite1hMicroUsdPerMTok: 30_000_000,
        },
      ],
    },
    {
      id: 'anthropic.claude-opus-4-1-20250805-v1:0',
      periods: [
        {
          effectiveFrom: '2025-08-05',
          inputMicroUsdPerMTok: 15_000_000,
          outputMicroUsdPerMTok: 75_000_000,
          cachedInputMicroUsdPerMTok: 1_500_000,
          cacheWrite5mMicroUsdPerMTok: 18_750_000,
          cacheWrite1hMicroUsdPerMTok: 30_000_000,
        },
      ],
    },
    {
      // Regional (in-region id and `us.`/`eu.`/… profiles): list price + 10%.
      id: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
      periods: [
        {
          effectiveFrom: '2025-09-29',
          inputMicroUsdPerMTok: 3_300_000,
          outputMicroUsdPerMTok: 16_500_000,
          cachedInputMicroUsdPerMTok: 330_000,
          cacheWrite5mMicroUsdPerMTok: 4_125_000,
          cacheWrite1hMicroUsdPerMTok: 6_600_000,
          longContext: {
            thresholdInputTokens: 200_000,
            inputMicroUsdPerMTok: 6_600_000,
            outputMicroUsdPerMTok: 24_750_000,
            cachedInputMicroUsdPerMTok: 660_000,
            cacheWrite5mMicroUsdPerMTok: 8_250_000,
            cacheWrite1hMicroUsdPerMTok: 13_200_000,
          },
        },
      ],
    },
    {
      id: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
      periods: [
        {
          effectiveFrom: '2025-09-29',
          ...SONNET_TIER,
          longContext: SONNET_LONG_CONTEXT,
        },
      ],
    },
    {
      id: 'anthropic.claude-haiku-4-5-20251001-v1:0',
      periods: [
        {
          effectiveFrom: '2025-10-15',
          inputMicroUsdPerMTok: 1_100_000,
          outputMicroUsdPerMTok: 5_500_000,
          cachedInputMicroUsdPerMTok: 110_000,
          cacheWrite5mMicroUsdPerMTok: 1_375_000,
          cacheWrite1hMicroUsdPerMTok: 2_200_000,
        },
      ],
    },
    {
      id: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
      periods: [
        {
          effectiveFrom: '2025-10-15',
          inputMicroUsdPerMTok: 1_000_000,
          outputMicroUsdPerMTok: 5_000_000,
          cachedInputMicroUsdPerMTok: 100_000,
          cacheWrite5mMicroUsdPerMTok: 1_250_000,
          cacheWrite1hMicroUsdPerMTok: 2_000_000,
        },
      ],
    },
    {
      id: 'anthropic.claude-opus-4-5-20251101-v1:0',
      periods: [
        {
          effectiveFrom: '2025-11-24',
          inputMicroUsdPerMTok: 5_500_000,
          outputMicroUsdPerMTok: 27_500_000,
          cachedInputMicroUsdPerMTok: 550_000,
          cacheWrite5mMicroUsdPerMTok: 6_875_000,
          cacheWrite1hMicroUsdPerMTok: 11_000_000,
        },
      ],
    },
    {
      id: 'global.anthropic.claude-opus-4-5-20251101-v1:0',
      periods: [
        {
          effectiveFrom: '2025-11-24',
          inputMicroUsdPerMTok: 5_000_000,
          outputMicroUsdPerMTok: 25_000_000,
          cachedInputMicroUsdPerMTok: 500_000,
          cacheWrite5mMicroUsdPerMTok: 6_250_000,
          cacheWrite1hMicroUsdPerMTok: 10_000_000,
        },
      ],
    },
    {
      id: 'amazon.nova-micro-v1:0',
      periods: [
        {
          effectiveFrom: '2024-12-03',
          inputMicroUsdPerMTok: 35_000,
          outputMicroUsdPerMTok: 140_000,
          cachedInputMicroUsdPerMTok: 8_750,
        },
      ],
    },
    {
      id: 'amazon.nova-lite-v1:0',
      periods: [
        {
          effectiveFrom: '2024-12-03',
          inputMicroUsdPerMTok: 60_000,
          outputMicroUsdPerMTok: 240_000,
          cachedInputMicroUsdPerMTok: 15_000,
        },
      ],
    },
    {
      id: 'amazon.nova-pro-v1:0',
      periods: [
        {
          effectiveFrom: '2024-12-03',
          inputMicroUsdPerMTok: 800_000,
          outputMicroUsdPerMTok: 3_200_000,
          cachedInputMicroUsdPerMTok: 200_000,
        },
      ],
    },
    {
      id: 'amazon.nova-premier-v1:0',
      periods: [
        {
          effectiveFrom: '2025-04-30',
          inputMicroUsdPerMTok: 2_500_000,
          outputMicroUsdPerMTok: 12_500_000,
          cachedInputMicroUsdPerMTok: 625_000,
        },
      ],
    },
    {
      id: 'meta.llama3-8b-instruct-v1:0',
      periods: [{ effectiveFrom: '2024-04-23', inputMicroUsdPerMTok: 300_000, outputMicroUsdPerMTok: 600_000 }],
    },
    {
      id: 'meta.llama3-70b-instruct-v1:0',
      periods: [{ effectiveFrom: '2024-04-23', inputMicroUsdPerMTok: 2_650_000, outputMicroUsdPerMTok: 3_500_000 }],
    },
    {
      id: 'meta.llama3-1-8b-instruct-v1:0',
      periods: [{ effectiveFrom: '2024-07-23', inputMicroUsdPerMTok: 220_000, outputMicroUsdPerMTok: 220_000 }],
    },
    {
      // Launched at $0.99/$0.99 and later cut; the day of the cut is not recorded here.
      id: 'meta.llama3-1-70b-instruct-v1:0',
      periods: [{ effectiveFrom: '2024-07-23', inputMicroUsdPerMTok: 720_000, outputMicroUsdPerMTok: 720_000 }],
    },
    {
      // Launched at $5.32/$16.00 and later cut; the day of the cut is not recorded here.
      id: 'meta.llama3-1-405b-instruct-v1:0',
      periods: [{ effectiveFrom: '2024-07-23', inputMicroUsdPerMTok: 2_400_000, outputMicroUsdPerMTok: 2_400_000 }],
    },
    {
      id: 'meta.llama3-2-1b-instruct-v1:0',
      periods: [{ effectiveFrom: '2024-09-25', inputMicroUsdPerMTok: 100_000, outputMicroUsdPerMTok: 100_000 }],
    },
    {
      id: 'meta.llama3-2-3b-instruct-v1:0',
      periods: [{ effectiveFrom: '2024-09-25', inputMicroUsdPerMTok: 150_000, outputMicroUsdPerMTok: 150_000 }],
    },
    {
      id: 'meta.llama3-2-11b-instruct-v1:0',
      periods: [{ effectiveFrom: '2024-09-25', inputMicroUsdPerMTok: 160_000, outputMicroUsdPerMTok: 160_000 }],
    },
    {
      id: 'meta.llama3-2-90b-instruct-v1:0',
      periods: [{ effectiveFrom: '2024-09-25', inputMicroUsdPerMTok: 720_000, outputMicroUsdPerMTok: 720_000 }],
    },
    {
      id: 'meta.llama3-3-70b-instruct-v1:0',
      periods: [{ effectiveFrom: '2024-12-19', inputMicroUsdPerMTok: 720_000, outputMicroUsdPerMTok: 720_000 }],
    },
  ],
} satisfies VendorCatalogInput
