import type { VendorCatalogInput } from '../catalog-schema.ts'
import { SONNET_LONG_CONTEXT, SONNET_TIER } from './claude-tiers.ts'

/**
 * Claude API (first-party) list prices. Cache writes cost 1.25× input for the 5-minute TTL and 2×
 * for the 1-hour TTL; cache reads cost 0.1× input. Sonnet 4 and 4.5 bill every token of a request
 * above 200k input tokens (cache reads and writes included) at the long-context prices. Not
 * modelled: Batch (50% off), tool fees (web search, code execution), data-residency multipliers.
 */
export const anthropicCatalog = {
  vendor: 'anthropic',
  providerTypes: ['anthropic'],
  source: 'Anthropic pricing, https://docs.claude.com/en/docs/about-claude/pricing',
  checkedOn: '2026-11-23',
  models: [
    {
      id: 'claude-opus-4-5-20251101',
      aliases: ['claude-opus-4-5'],
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
      id: 'claude-opus-4-1-20250805',
      aliases: ['claude-opus-4-1'],
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
      id: 'claude-opus-4-20250514',
      aliases: ['claude-opus-4-0'],
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
      id: 'claude-sonnet-4-5-20250929',
      aliases: ['claude-sonnet-4-5'],
      periods: [
        {
          effectiveFrom: '2025-09-29',
          ...SONNET_TIER,
          longContext: SONNET_LONG_CONTEXT,
        },
      ],
    },
    {
      id: 'claude-sonnet-4-20250514',
      aliases: ['claude-sonnet-4-0'],
      periods: [
        {
          effectiveFrom: '2025-05-22',
          ...SONNET_TIER,
        },
        // The 1M-token context window (beta) arrived with its long-context prices.
        {
          effectiveFrom: '2025-08-12',
          ...SONNET_TIER,
          longContext: SONNET_LONG_CONTEXT,
        },
      ],
    },
    {
      id: 'claude-3-7-sonnet-20250219',
      aliases: ['claude-3-7-sonnet-latest'],
      periods: [
        {
          effectiveFrom: '2025-02-24',
          ...SONNET_TIER,
        },
      ],
    },
    {
      id: 'claude-haiku-4-5-20251001',
      aliases: ['claude-haiku-4-5'],
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
      // Launched at $1/$5 and later cut to $0.80/$4; the date of the cut is not recorded here,
      // so the current price applies from launch.
      id: 'claude-3-5-haiku-20241022',
      aliases: ['claude-3-5-haiku-latest'],
      periods: [
        {
          effectiveFrom: '2024-11-04',
          inputMicroUsdPerMTok: 800_000,
          outputMicroUsdPerMTok: 4_000_000,
          cachedInputMicroUsdPerMTok: 80_000,
          cacheWrite5mMicroUsdPerMTok: 1_000_000,
          cacheWrite1hMicroUsdPerMTok: 1_600_000,
        },
      ],
    },
    {
      id: 'claude-3-haiku-20240307',
      periods: [
        {
          effectiveFrom: '2024-03-13',
          inputMicroUsdPerMTok: 250_000,
          outputMicroUsdPerMTok: 1_250_000,
          cachedInputMicroUsdPerMTok: 30_000,
          cacheWrite5mMicroUsdPerMTok: 300_000,
          cacheWrite1hMicroUsdPerMTok: 500_000,
        },
      ],
    },
  ],
} satisfies VendorCatalogInput
