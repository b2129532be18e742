import { z } from 'zod'
import { MicroUsd } from './usd-amount.ts'

/** What one million tokens cost, in integer micro-USD (so $0.15 / MTok is 150000). */
export const ModelPrice = z
  .strictObject({
    inputMicroUsdPerMTok: MicroUsd.describe('Price of 1M input tokens in micro-USD'),
    outputMicroUsdPerMTok: MicroUsd.describe('Price of 1M output tokens in micro-USD'),
    /** Absent: cached input tokens cost the input price. */
    cachedInputMicroUsdPerMTok: MicroUsd.optional().describe('Price of 1M cached input tokens in micro-USD'),
    /** Absent: tokens written to the prompt cache cost the input price. */
    cacheWriteMicroUsdPerMTok: MicroUsd.optional().describe('Price of 1M cache-write tokens in micro-USD'),
  })
  .describe('Prices in integer micro-USD per million tokens')
export type ModelPrice = z.infer<typeof ModelPrice>
