/**
 * Claude Sonnet's list prices, the same at Anthropic and on Bedrock (standard regions), for
 * several model versions: named once so a price change is made in one place.
 */
export const SONNET_TIER = {
  inputMicroUsdPerMTok: 3_000_000,
  outputMicroUsdPerMTok: 15_000_000,
  cachedInputMicroUsdPerMTok: 300_000,
  cacheWrite5mMicroUsdPerMTok: 3_750_000,
  cacheWrite1hMicroUsdPerMTok: 6_000_000,
} as const

/** Sonnet 4.x above 200k input tokens. */
export const SONNET_LONG_CONTEXT = {
  thresholdInputTokens: 200_000,
  inputMicroUsdPerMTok: 6_000_000,
  outputMicroUsdPerMTok: 22_500_000,
  cachedInputMicroUsdPerMTok: 600_000,
  cacheWrite5mMicroUsdPerMTok: 7_500_000,
  cacheWrite1hMicroUsdPerMTok: 12_000_000,
} as const
