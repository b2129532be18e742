import type { ModelPrice } from '@switchyard/contracts'
import type { PriceSchedule } from './price-schedule.ts'

/**
 * A deployment's configured `prices` as a schedule `costMicroUsd` reads. `ModelPrice` has one
 * cache-write price, so it covers both the 5-minute and the 1-hour writes.
 */
export function fromModelPrice(price: ModelPrice): PriceSchedule {
  const cacheWrite = price.cacheWriteMicroUsdPerMTok
  return {
    inputMicroUsdPerMTok: price.inputMicroUsdPerMTok,
    outputMicroUsdPerMTok: price.outputMicroUsdPerMTok,
    ...(price.cachedInputMicroUsdPerMTok === undefined
      ? {}
      : { cachedInputMicroUsdPerMTok: price.cachedInputMicroUsdPerMTok }),
    ...(cacheWrite === undefined
      ? {}
      : { cacheWrite5mMicroUsdPerMTok: cacheWrite, cacheWrite1hMicroUsdPerMTok: cacheWrite }),
  }
}

/**
 * The base tier as the contracts' `ModelPrice` (what a snapshot deployment carries today). Lossy:
 * see `fieldsModelPriceDrops` for what is left out.
 */
export function toModelPrice(price: PriceSchedule): ModelPrice {
  return {
    inputMicroUsdPerMTok: price.inputMicroUsdPerMTok,
    outputMicroUsdPerMTok: price.outputMicroUsdPerMTok,
    ...(price.cachedInputMicroUsdPerMTok === undefined
      ? {}
      : { cachedInputMicroUsdPerMTok: price.cachedInputMicroUsdPerMTok }),
    ...(price.cacheWrite5mMicroUsdPerMTok === undefined
      ? {}
      : { cacheWriteMicroUsdPerMTok: price.cacheWrite5mMicroUsdPerMTok }),
  }
}

/**
 * The parts of a schedule that `toModelPrice` cannot carry, so a caller can warn that a
 * deployment priced through `ModelPrice` will be billed differently from the catalog.
 */
export function fieldsModelPriceDrops(price: PriceSchedule): string[] {
  const dropped: string[] = []
  const write5m = price.cacheWrite5mMicroUsdPerMTok ?? price.inputMicroUsdPerMTok
  if (price.cacheWrite1hMicroUsdPerMTok !== undefined && price.cacheWrite1hMicroUsdPerMTok !== write5m) {
    dropped.push('cacheWrite1hMicroUsdPerMTok')
  }
  if (price.reasoningMicroUsdPerMTok !== undefined && price.reasoningMicroUsdPerMTok !== price.outputMicroUsdPerMTok) {
    dropped.push('reasoningMicroUsdPerMTok')
  }
  if (price.requestMicroUsd !== undefined && price.requestMicroUsd > 0) dropped.push('requestMicroUsd')
  if (price.longContext !== undefined) dropped.push('longContext')
  return dropped
}
