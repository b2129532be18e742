import { z } from 'zod'
import { BudgetWindow } from './budget-policy.ts'
import { ProviderType } from './provider-id.ts'
import { BudgetScope } from './scope.ts'
import { TimeZone } from './time-zone.ts'
import { MicroUsd } from './usd-amount.ts'

/*
 * The reports API (`/api/reports/*`): spend, tokens and requests from ClickHouse. Every amount is
 * integer micro-USD (1 USD = 1,000,000), every count an integer; deltas may be negative.
 * Time ranges are half-open, `[from, to)`, on whole hours (the rollup's grain).
 */

const Id = z.string().min(1).max(128)
const Count = z.int().nonnegative()

/** Attribution dimensions a report can group or filter by. */
export const REPORT_DIMENSIONS = [
  'team',
  'project',
  'environment',
  'costCenter',
  'user',
  'key',
  'model',
  'upstreamModel',
  'provider',
  'providerType',
  'deployment',
  'endpoint',
  'status',
] as const
export const ReportDimension = z.enum(REPORT_DIMENSIONS)
export type ReportDimension = z.infer<typeof ReportDimension>

export const ReportGranularity = z.enum(['hour', 'day', 'week', 'month', 'total'])
export type ReportGranularity = z.infer<typeof ReportGranularity>

/** A whole hour, as an ISO date-time with offset or a date (its 00:00 UTC). */
const WholeHour = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((text) => new Date(text.length === 10 ? `${text}T00:00:00Z` : text))
  .refine((at) => at.getTime() % 3_600_000 === 0, { error: 'must be a whole hour (reports are rolled up by hour)' })

/** `a,b,c` in a query string (an array is taken as it is). */
function commaList<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part !== '')
        : value,
    z.array(item),
  )
}

const MAX_RANGE_MS = 3 * 366 * 86_400_000

const rangeShape = {
  orgId: Id.describe('The org whose usage to read'),
  from: WholeHour.describe('Start of the range (inclusive), a whole hour'),
  to: WholeHour.describe('End of the range (exclusive), a whole hour'),
}

function checkRange(query: { from: Date; to: Date }, ctx: z.RefinementCtx): void {
  if (query.to <= query.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after `from`' })
  else if (query.to.getTime() - query.from.getTime() > MAX_RANGE_MS)
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'the range may span at most 3 years' })
}

/** `?team=a,b&model=gpt-4o`: only usage whose dimension is one of the values. */
const filterShape = Object.fromEntries(
  REPORT_DIMENSIONS.map((dimension) => [
    dimension,
    commaList(z.string().max(256)).optional().describe(`Only these ${dimension} values (comma-separated)`),
  ]),
) as Record<ReportDimension, z.ZodOptional<ReturnType<typeof commaList<z.ZodString>>>>

export const UsageReportQuery = z
  .object({
    ...rangeShape,
    granularity: ReportGranularity.default('day'),
    groupBy: commaList(ReportDimension).default([]).describe('Comma-separated dimensions'),
    timeZone: TimeZone.default('UTC').describe('Zone of day, week (Monday) and month buckets'),
    ...filterShape,
  })
  .superRefine(checkRange)
export type UsageReportQuery = z.infer<typeof UsageReportQuery>

export const ChargebackQuery = z
  .object({
    ...rangeShape,
    granularity: ReportGranularity.default('month'),
    groupBy: commaList(ReportDimension)
      .default(['costCenter', 'team', 'project'])
      .describe('Comma-separated dimensions; default costCenter,team,project'),
    timeZone: TimeZone.default('UTC'),
    ...filterShape,
  })
  .superRefine(checkRange)
export type ChargebackQuery = z.infer<typeof ChargebackQuery>

export const TopMetric = z.enum(['costMicroUsd', 'requests', 'tokens'])
export type TopMetric = z.infer<typeof TopMetric>

export const TopReportQuery = z
  .object({
    ...rangeShape,
    by: ReportDimension.describe('The dimension to rank'),
    metric: TopMetric.default('costMicroUsd'),
    limit: z.coerce.number().int().min(1).max(100).default(10),
    ...filterShape,
  })
  .superRefine(checkRange)
export type TopReportQuery = z.infer<typeof TopReportQuery>

export const HiddenCostQuery = z
  .object({ ...rangeShape, team: commaList(Id).optional().describe('Only these teams (comma-separated)') })
  .superRefine(checkRange)
export type HiddenCostQuery = z.infer<typeof HiddenCostQuery>

export const BudgetForecastQuery = z.object({
  orgId: Id,
  budgetId: Id.optional().describe('Only this budget'),
})
export type BudgetForecastQuery = z.infer<typeof BudgetForecastQuery>

/** `providerType:model`, e.g. `anthropic:claude-sonnet-4-5` or `openai-compatible/mistral:mistral-large-2411`. */
export const CandidateModel = z
  .string()
  .regex(/^[a-z-]+(?:\/[a-z0-9-]+)?:.+$/, { error: 'must be providerType:model (or openai-compatible/vendor:model)' })
  .transform((text) => {
    const colon = text.indexOf(':')
    const [providerType = '', vendor] = text.slice(0, colon).split('/')
    return { providerType, model: text.slice(colon + 1), ...(vendor === undefined ? {} : { vendor }) }
  })
  .pipe(z.object({ providerType: ProviderType, vendor: z.string().exactOptional(), model: z.string().min(1) }))

export const ProviderComparisonQuery = z
  .object({
    ...rangeShape,
    team: Id.optional().describe('The team whose mix to re-price; default: the whole org (or your teams)'),
    candidates: commaList(CandidateModel).refine((list) => list.length >= 1 && list.length <= 20, {
      error: 'name 1 to 20 candidates',
    }),
  })
  .superRefine(checkRange)
export type ProviderComparisonQuery = z.infer<typeof ProviderComparisonQuery>

const iso = z.iso.datetime({ offset: true })

export const UsageMetricsView = z.object({
  requests: Count.describe('Client requests'),
  attempts: Count.describe('Upstream attempts, retries and fallbacks included'),
  inputTokens: Count,
  outputTokens: Count,
  cachedInputTokens: Count,
  cacheWriteInputTokens: Count,
  reasoningTokens: Count,
  costMicroUsd: MicroUsd.describe('What the attempts cost'),
  estimatedEvents: Count.describe('Events whose tokens were estimated (the provider reported none)'),
})
export type UsageMetricsView = z.infer<typeof UsageMetricsView>

const Dimensions = z.partialRecord(ReportDimension, z.string())

export const UsageReportRow = UsageMetricsView.extend({
  bucketStart: iso.nullable().describe('Start of the bucket; null for granularity total'),
  dimensions: Dimensions.describe('The group: "" where the usage had no value'),
})

export const UsageReport = z.object({
  object: z.literal('usage_report'),
  orgId: Id,
  from: iso,
  to: iso,
  granularity: ReportGranularity,
  timeZone: z.string(),
  groupBy: z.array(ReportDimension),
  rows: z.array(UsageReportRow),
  totals: UsageMetricsView,
  dataThrough: iso.describe('Events ingested up to this instant are included'),
})
export type UsageReport = z.infer<typeof UsageReport>

export const TopReport = z.object({
  object: z.literal('top_report'),
  orgId: Id,
  from: iso,
  to: iso,
  by: ReportDimension,
  metric: TopMetric,
  rows: z.array(UsageMetricsView.extend({ rank: z.int().positive(), value: z.string() })),
  totals: UsageMetricsView.describe('Of everything in range, not only the top rows'),
  dataThrough: iso,
})
export type TopReport = z.infer<typeof TopReport>

export const HiddenCostTeam = z.object({
  teamId: z.string().describe('"" for usage with no team (app tokens)'),
  requests: Count,
  attempts: Count,
  costMicroUsd: MicroUsd,
  failedAttempts: Count,
  failedAttemptsCostMicroUsd: MicroUsd,
  retryAttempts: Count,
  retryCostMicroUsd: MicroUsd,
  fallbackAttempts: Count,
  fallbackCostMicroUsd: MicroUsd,
  abortedAttempts: Count,
  abortedCostMicroUsd: MicroUsd,
  exactCacheHits: Count,
  exactCacheSavedMicroUsd: MicroUsd,
  cachedInputTokens: Count,
  promptCacheSavedMicroUsd: MicroUsd.describe('Cached input tokens × (input − cached input price), catalog prices'),
  unpricedCachedInputTokens: Count.describe('Cached tokens of models the catalog cannot price (not in the savings)'),
})
export type HiddenCostTeam = z.infer<typeof HiddenCostTeam>

export const HiddenCostReport = z.object({
  object: z.literal('hidden_cost_report'),
  orgId: Id,
  from: iso,
  to: iso,
  teams: z.array(HiddenCostTeam),
  dataThrough: iso,
})
export type HiddenCostReport = z.infer<typeof HiddenCostReport>

export const BudgetForecast = z.object({
  budgetId: Id,
  name: z.string(),
  teamId: Id.nullable(),
  scope: BudgetScope,
  window: BudgetWindow,
  timeZone: z.string(),
  windowStartsAt: iso,
  windowEndsAt: iso,
  limitMicroUsd: MicroUsd,
  spentMicroUsd: MicroUsd.describe('Spent in the current window so far'),
  burnRateMicroUsdPerDay: MicroUsd.describe('The last 7 whole days’ spend ÷ 7, rounded down'),
  weekdayForecastMicroUsd: z
    .array(MicroUsd)
    .length(7)
    .describe('Expected spend of a Monday … Sunday: the 28-day weekday profile scaled to the last 7 days'),
  projectedWindowSpendMicroUsd: MicroUsd.describe('Spent so far plus the expected rest of the window'),
  projectedExhaustionDate: z.iso
    .date()
    .nullable()
    .describe('Local day the limit is expected to be reached in this window'),
  isExhausted: z.boolean(),
})
export type BudgetForecast = z.infer<typeof BudgetForecast>

export const BudgetForecastReport = z.object({
  object: z.literal('budget_forecast_report'),
  orgId: Id,
  asOf: iso,
  budgets: z.array(BudgetForecast),
  dataThrough: iso,
})
export type BudgetForecastReport = z.infer<typeof BudgetForecastReport>

const TokenMixView = z.object({
  attempts: Count,
  answeredAttempts: Count,
  inputTokens: Count,
  outputTokens: Count,
  cachedInputTokens: Count,
  cacheWriteInputTokens: Count,
  reasoningTokens: Count,
  costMicroUsd: MicroUsd,
})

export const ProviderComparison = z.object({
  object: z.literal('provider_comparison'),
  orgId: Id,
  teamId: Id.nullable(),
  from: iso,
  to: iso,
  pricedAt: z.iso.date().describe('Catalog prices in force on this day are used'),
  mix: TokenMixView.describe('The token mix actually sent, all models together'),
  current: z.array(TokenMixView.extend({ providerType: z.string(), model: z.string() })),
  candidates: z.array(
    z.object({
      providerType: ProviderType,
      vendor: z.string().nullable(),
      model: z.string(),
      catalogModelId: z.string().nullable().describe('null: the catalog has no price for it'),
      costMicroUsd: MicroUsd.nullable().describe('The whole mix re-priced on this model'),
      deltaMicroUsd: z.int().nullable().describe('costMicroUsd − the actual cost (negative: cheaper)'),
    }),
  ),
  dataThrough: iso,
})
export type ProviderComparison = z.infer<typeof ProviderComparison>
