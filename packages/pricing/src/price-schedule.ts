/** One set of per-token prices, in integer micro-USD per million tokens. */
export interface PriceTier {
  readonly inputMicroUsdPerMTok: number
  readonly outputMicroUsdPerMTok: number
  /** Absent: cached input costs the input price. */
  readonly cachedInputMicroUsdPerMTok?: number | undefined
  /** Absent: a cache write costs the input price. */
  readonly cacheWrite5mMicroUsdPerMTok?: number | undefined
  /** Absent: a 1-hour cache write costs the 5-minute write price. */
  readonly cacheWrite1hMicroUsdPerMTok?: number | undefined
  /** Absent: reasoning tokens cost the output price (they are part of the output). */
  readonly reasoningMicroUsdPerMTok?: number | undefined
}

/** Prices that replace the base tier once a request's input tokens exceed `thresholdInputTokens`. */
export interface LongContextTier extends PriceTier {
  readonly thresholdInputTokens: number
}

/** Everything `costMicroUsd` needs to price a request. */
export interface PriceSchedule extends PriceTier {
  /** A fee per request on top of the tokens, in micro-USD. */
  readonly requestMicroUsd?: number | undefined
  readonly longContext?: LongContextTier | undefined
  /**
   * `ModelPrice`'s single cache-write field. Never set here: convert a `ModelPrice` with
   * `fromModelPrice`, so that its one cache-write price covers both TTLs instead of being ignored.
   */
  readonly cacheWriteMicroUsdPerMTok?: never
}

/** A catalog entry's prices on a date, with where they come from. */
export interface CatalogPrice extends PriceSchedule {
  readonly vendor: string
  /** The catalog's canonical id, whatever alias was asked for. */
  readonly modelId: string
  readonly effectiveFrom: string
  readonly source: string
  readonly checkedOn: string
}

/** A tier with every fallback applied: the price each kind of token is actually billed at. */
export interface BilledTierPrices {
  readonly input: number
  readonly cachedInput: number
  readonly cacheWrite5m: number
  readonly cacheWrite1h: number
  readonly output: number
  readonly reasoning: number
}

/** The one place the fallback rules live, for the cost and for catalog validation alike. */
export function billedTierPrices(tier: PriceTier): BilledTierPrices {
  const input = tier.inputMicroUsdPerMTok
  const cacheWrite5m = tier.cacheWrite5mMicroUsdPerMTok ?? input
  return {
    input,
    cachedInput: tier.cachedInputMicroUsdPerMTok ?? input,
    cacheWrite5m,
    cacheWrite1h: tier.cacheWrite1hMicroUsdPerMTok ?? cacheWrite5m,
    output: tier.outputMicroUsdPerMTok,
    reasoning: tier.reasoningMicroUsdPerMTok ?? tier.outputMicroUsdPerMTok,
  }
}
