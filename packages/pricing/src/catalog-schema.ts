import { PROVIDER_TYPES } from '@switchyard/contracts'
import { z } from 'zod'

/** $10,000 per million tokens: no real price comes near it, so anything above is a typo. */
export const MAX_MICRO_USD_PER_MTOK = 10_000_000_000
/** $100 per request: the same kind of guard for per-request fees. */
export const MAX_REQUEST_MICRO_USD = 100_000_000

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text
}

/** A calendar day, `YYYY-MM-DD`, read as UTC. */
export const IsoDate = z
  .string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a date like 2025-01-31') })
  .regex(ISO_DATE, { error: 'must be a date like 2025-01-31' })
  .refine(isCalendarDate, { error: 'is not a real calendar date' })

function numberError(input: unknown, unit: string): string {
  if (input === undefined) return 'is required'
  return typeof input === 'number' ? 'must be finite' : `must be a number of micro-USD ${unit}`
}

function integerMicroUsd(max: number, maxInUsd: string, unit: string) {
  return z
    .number({ error: (iss) => numberError(iss.input, unit) })
    .refine(Number.isInteger, { error: `must be a whole number of micro-USD ${unit} (no fractions)`, abort: true })
    .refine((value) => value >= 0, { error: 'must not be negative', abort: true })
    .refine((value) => value <= max, { error: `is absurd: above ${maxInUsd} ${unit} (${max} micro-USD)` })
}

const PricePerMTok = integerMicroUsd(MAX_MICRO_USD_PER_MTOK, '$10,000', 'per MTok')

const tierShape = {
  inputMicroUsdPerMTok: PricePerMTok,
  outputMicroUsdPerMTok: PricePerMTok,
  /** Absent: cached input costs the input price. */
  cachedInputMicroUsdPerMTok: PricePerMTok.optional(),
  /** Absent: a cache write costs the input price. */
  cacheWrite5mMicroUsdPerMTok: PricePerMTok.optional(),
  /** Absent: a 1-hour cache write costs the 5-minute price (or the input price). */
  cacheWrite1hMicroUsdPerMTok: PricePerMTok.optional(),
  /** Only when the vendor bills reasoning tokens differently from other output. */
  reasoningMicroUsdPerMTok: PricePerMTok.optional(),
}

interface TierPrices {
  inputMicroUsdPerMTok: number
  cachedInputMicroUsdPerMTok?: number | undefined
}

function checkCachedNotAboveInput(tier: TierPrices, ctx: z.RefinementCtx): void {
  const cached = tier.cachedInputMicroUsdPerMTok
  if (cached !== undefined && cached > tier.inputMicroUsdPerMTok) {
    ctx.addIssue({
      code: 'custom',
      path: ['cachedInputMicroUsdPerMTok'],
      message: `${cached} is above the input price ${tier.inputMicroUsdPerMTok}`,
    })
  }
}

/** Higher prices once a request's input exceeds a threshold (Gemini 2.5 Pro and Claude Sonnet 4.x above 200k). */
export const LongContextTierSchema = z
  .strictObject({ thresholdInputTokens: z.int().positive(), ...tierShape })
  .superRefine(checkCachedNotAboveInput)

/** The prices in force from `effectiveFrom` (00:00 UTC) until the next period starts. */
export const PricePeriodSchema = z
  .strictObject({
    effectiveFrom: IsoDate,
    ...tierShape,
    requestMicroUsd: integerMicroUsd(MAX_REQUEST_MICRO_USD, '$100', 'per request').optional(),
    longContext: LongContextTierSchema.optional(),
  })
  .superRefine(checkCachedNotAboveInput)

export const ModelId = z
  .string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a string') })
  .regex(/^\S{1,256}$/, { error: 'must be 1-256 characters without spaces' })

export const CatalogModelSchema = z.strictObject({
  id: ModelId,
  /** Other names for the same prices: dated snapshots, stable aliases. */
  aliases: z.array(ModelId).default([]),
  periods: z.array(PricePeriodSchema).min(1, { error: 'needs at least one price period' }),
})

/** Provider types that reach a vendor natively; `openai-compatible` reaches it through the vendor tag. */
export const NATIVE_PROVIDER_TYPES = PROVIDER_TYPES.filter(
  (type): type is Exclude<(typeof PROVIDER_TYPES)[number], 'openai-compatible'> => type !== 'openai-compatible',
)
export type NativeProviderType = (typeof NATIVE_PROVIDER_TYPES)[number]

export const VendorCatalogSchema = z.strictObject({
  /** The tag an `openai-compatible` provider is priced by, e.g. `mistral`. */
  vendor: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: 'must be a lower-case tag like "mistral"' }),
  /** Provider types whose requests this vendor's prices apply to (Azure OpenAI uses OpenAI's). */
  providerTypes: z.array(z.enum(NATIVE_PROVIDER_TYPES)).default([]),
  /** The vendor pricing page these prices come from. */
  source: z.string().min(1),
  /** When someone last compared these entries with `source`. */
  checkedOn: IsoDate,
  models: z.array(CatalogModelSchema).min(1),
})

export const PricingCatalogSchema = z.array(VendorCatalogSchema).min(1)

/** What a data file in `catalog/` is written as. */
export type VendorCatalogInput = z.input<typeof VendorCatalogSchema>
export type VendorCatalog = z.output<typeof VendorCatalogSchema>
export type PricePeriod = z.output<typeof PricePeriodSchema>
