import type { ClickHouseClient } from '@clickhouse/client'
import {
  type BudgetForecast,
  type BudgetForecastReport,
  BudgetScope,
  BudgetWindow,
  type ChargebackQuery,
  type HiddenCostQuery,
  type HiddenCostReport,
  type ProviderComparison,
  type ProviderComparisonQuery,
  ProviderType,
  REPORT_DIMENSIONS,
  type ReportDimension,
  type TopReport,
  type TopReportQuery,
  type UsageMetricsView,
  type UsageReport,
  type UsageReportQuery,
} from '@switchyard/contracts'
import { budgets, type Database } from '@switchyard/db'
import { budgetWindowStart } from '@switchyard/policy'
import { type PricingCatalog, resolvePrice } from '@switchyard/pricing'
import {
  queryDailySpend,
  queryHiddenCosts,
  queryTokenMix,
  queryUsage,
  type RollupRefresh,
  refreshUsageRollup,
  type UsageReportRow,
  type UsageScope,
} from '@switchyard/usage-store'
import { and, eq, inArray } from 'drizzle-orm'
import { FORECAST_HISTORY_DAYS, forecastBudget } from './budget-forecast.ts'
import {
  addTokens,
  microUsdFromScaled,
  NO_TOKENS,
  promptCacheSavingsScaled,
  repriceTokenMix,
  type TokenTotals,
} from './reprice-token-mix.ts'

export interface UsageReportsDeps {
  readonly clickhouse: ClickHouseClient
  /** The ClickHouse database the ingester writes (`switchyard` by default). */
  readonly database: string
  readonly db: Database
  readonly pricing: PricingCatalog
  /** The raw events' retention: older hours are never recomputed into the rollup. */
  readonly rawRetentionDays?: number | undefined
  /** Rows ingested in the last this many ms wait for the next refresh (default 5 s). */
  readonly settleMs?: number
  readonly now?: () => Date
}

/** `teamIds`: the teams the caller may see (undefined: the whole org). */
export type TeamRestriction = readonly string[] | undefined

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

function chTimeToIso(text: string): string {
  return new Date(`${text.replace(' ', 'T')}Z`).toISOString()
}

function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at)
}

function metricsOf(row: UsageMetricsView): UsageMetricsView {
  const { requests, attempts, inputTokens, outputTokens, cachedInputTokens, cacheWriteInputTokens } = row
  const { reasoningTokens, costMicroUsd, estimatedEvents } = row
  return {
    requests,
    attempts,
    inputTokens,
    outputTokens,
    cachedInputTokens,
    cacheWriteInputTokens,
    reasoningTokens,
    costMicroUsd,
    estimatedEvents,
  }
}

type DimensionFilters = Partial<Record<ReportDimension, string[] | undefined>>

function whereOf(query: DimensionFilters): UsageScope['where'] {
  const where: Partial<Record<ReportDimension, readonly string[]>> = {}
  for (const dimension of REPORT_DIMENSIONS) {
    const values = query[dimension]
    if (values !== undefined) where[dimension] = values
  }
  return where
}

/**
 * The reports over ClickHouse. Every report first brings the hourly rollup up to date (one
 * refresh at a time; concurrent reports share it), then reads it; the answers carry the
 * ingestion instant they include (`dataThrough`).
 */
export class UsageReports {
  readonly #deps: UsageReportsDeps
  #refreshing: Promise<RollupRefresh> | undefined

  constructor(deps: UsageReportsDeps) {
    this.#deps = deps
  }

  get #client() {
    return this.#deps.clickhouse
  }

  /** Refreshes the rollup (shared by concurrent callers); resolves with what it covers. */
  async refresh(): Promise<string> {
    this.#refreshing ??= refreshUsageRollup(this.#client, this.#deps.database, {
      settleMs: this.#deps.settleMs ?? 5_000,
      rawRetentionDays: this.#deps.rawRetentionDays,
    }).finally(() => {
      this.#refreshing = undefined
    })
    return chTimeToIso((await this.#refreshing).ingestedUntil)
  }

  #scope(query: { orgId: string; from: Date; to: Date } & DimensionFilters, teamIds: TeamRestriction): UsageScope {
    return { orgId: query.orgId, from: query.from, to: query.to, teamIds, where: whereOf(query) }
  }

  async usage(query: UsageReportQuery | ChargebackQuery, teamIds: TeamRestriction): Promise<UsageReport> {
    const dataThrough = await this.refresh()
    const scope = this.#scope(query, teamIds)
    const [rows, [totals]] = await Promise.all([
      queryUsage(this.#client, this.#deps.database, {
        ...scope,
        groupBy: query.groupBy,
        granularity: query.granularity,
        timeZone: query.timeZone,
      }),
      queryUsage(this.#client, this.#deps.database, { ...scope, groupBy: [], granularity: 'total' }),
    ])
    return {
      object: 'usage_report',
      orgId: query.orgId,
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      granularity: query.granularity,
      timeZone: query.timeZone,
      groupBy: query.groupBy,
      rows: rows.map((row: UsageReportRow) => ({
        bucketStart: row.bucketStart?.toISOString() ?? null,
        dimensions: row.dimensions,
        ...metricsOf(row),
      })),
      totals: metricsOf(totals ?? { ...NO_METRICS }),
      dataThrough,
    }
  }

  async top(query: TopReportQuery, teamIds: TeamRestriction): Promise<TopReport> {
    const dataThrough = await this.refresh()
    const scope = this.#scope(query, teamIds)
    const [rows, [totals]] = await Promise.all([
      queryUsage(this.#client, this.#deps.database, {
        ...scope,
        groupBy: [query.by],
        granularity: 'total',
        orderBy: query.metric,
        limit: query.limit,
      }),
      queryUsage(this.#client, this.#deps.database, { ...scope, groupBy: [], granularity: 'total' }),
    ])
    return {
      object: 'top_report',
      orgId: query.orgId,
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      by: query.by,
      metric: query.metric,
      rows: rows.map((row, index) => ({ rank: index + 1, value: row.dimensions[query.by] ?? '', ...metricsOf(row) })),
      totals: metricsOf(totals ?? { ...NO_METRICS }),
      dataThrough,
    }
  }

  async hiddenCosts(query: HiddenCostQuery, teamIds: TeamRestriction): Promise<HiddenCostReport> {
    const dataThrough = await this.refresh()
    const scope = this.#scope({ ...query, team: query.team }, teamIds)
    const [rows, mix] = await Promise.all([
      queryHiddenCosts(this.#client, this.#deps.database, scope),
      queryTokenMix(this.#client, this.#deps.database, scope, { byTeam: true, byDay: true }),
    ])
    const savings = new Map<string, { scaled: bigint; unpriced: number }>()
    for (const row of mix) {
      if (row.cachedInputTokens === 0) continue
      const entry = savings.get(row.teamId) ?? { scaled: 0n, unpriced: 0 }
      const price = this.#price(row.providerType, row.upstreamModel, new Date(`${row.day}T00:00:00Z`))
      if (price === undefined) entry.unpriced += row.cachedInputTokens
      else entry.scaled += promptCacheSavingsScaled(row.cachedInputTokens, price)
      savings.set(row.teamId, entry)
    }
    return {
      object: 'hidden_cost_report',
      orgId: query.orgId,
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      teams: rows.map((row) => ({
        ...row,
        promptCacheSavedMicroUsd: microUsdFromScaled(savings.get(row.teamId)?.scaled ?? 0n),
        unpricedCachedInputTokens: savings.get(row.teamId)?.unpriced ?? 0,
      })),
      dataThrough,
    }
  }

  #price(providerType: string, model: string, at: Date, vendor?: string) {
    const parsed = ProviderType.safeParse(providerType)
    if (!parsed.success) return undefined
    return resolvePrice(this.#deps.pricing, { providerType: parsed.data, model, at, vendor })
  }

  async providerComparison(query: ProviderComparisonQuery, teamIds: TeamRestriction): Promise<ProviderComparison> {
    const dataThrough = await this.refresh()
    const scope = this.#scope({ ...query, team: query.team === undefined ? undefined : [query.team] }, teamIds)
    const rows = await queryTokenMix(this.#client, this.#deps.database, scope, { byTeam: false, byDay: false })
    const mix = rows.reduce<TokenTotals>((sum, row) => addTokens(sum, row), NO_TOKENS)
    // The prices in force on the range's last day: what the same traffic would cost now-ish.
    const pricedAt = new Date(query.to.getTime() - 1)
    return {
      object: 'provider_comparison',
      orgId: query.orgId,
      teamId: query.team ?? null,
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      pricedAt: pricedAt.toISOString().slice(0, 10),
      mix,
      current: rows.map(({ teamId: _team, day: _day, upstreamModel, ...row }) => ({ ...row, model: upstreamModel })),
      candidates: query.candidates.map((candidate) => {
        const price = this.#price(candidate.providerType, candidate.model, pricedAt, candidate.vendor)
        const cost = price === undefined ? null : repriceTokenMix(mix, price)
        return {
          providerType: candidate.providerType,
          vendor: candidate.vendor ?? null,
          model: candidate.model,
          catalogModelId: price?.modelId ?? null,
          costMicroUsd: cost,
          deltaMicroUsd: cost === null ? null : cost - mix.costMicroUsd,
        }
      }),
      dataThrough,
    }
  }

  async budgetForecasts(
    orgId: string,
    teamIds: TeamRestriction,
    budgetId: string | undefined,
  ): Promise<BudgetForecastReport> {
    const dataThrough = await this.refresh()
    const now = this.#deps.now?.() ?? new Date()
    const rows = await this.#deps.db
      .select()
      .from(budgets)
      .where(
        and(
          eq(budgets.orgId, orgId),
          teamIds === undefined ? undefined : inArray(budgets.teamId, [...teamIds]),
          budgetId === undefined ? undefined : eq(budgets.id, budgetId),
        ),
      )
      .orderBy(budgets.id)
    const forecasts: BudgetForecast[] = []
    for (const row of rows) forecasts.push(await this.#forecast(row, now))
    return { object: 'budget_forecast_report', orgId, asOf: now.toISOString(), budgets: forecasts, dataThrough }
  }

  async #forecast(row: typeof budgets.$inferSelect, now: Date): Promise<BudgetForecast> {
    const scope = BudgetScope.parse(row.scope)
    const window = BudgetWindow.parse(row.window)
    const { timeZone } = row
    const windowStart = budgetWindowStart(window, timeZone, now)
    const span = { daily: 1, weekly: 7, monthly: 31 }[window]
    const windowEnd = budgetWindowStart(
      window,
      timeZone,
      new Date(windowStart.getTime() + span * DAY_MS + 12 * HOUR_MS),
    )
    const todayStart = budgetWindowStart('daily', timeZone, now)
    const historyStart = budgetWindowStart(
      'daily',
      timeZone,
      new Date(todayStart.getTime() - (FORECAST_HISTORY_DAYS * DAY_MS - 12 * HOUR_MS)),
    )
    const from = new Date(Math.min(historyStart.getTime(), windowStart.getTime()))
    const to = new Date(Math.ceil((now.getTime() + 1) / HOUR_MS) * HOUR_MS)
    const daily = await queryDailySpend(this.#client, this.#deps.database, {
      orgId: row.orgId,
      scope,
      from,
      to,
      timeZone,
    })
    const spendOn = new Map(daily.map((day) => [day.day, day.costMicroUsd]))
    const today = localDay(now, timeZone)
    const windowFirstDay = localDay(windowStart, timeZone)
    const spent = daily
      .filter((day) => day.day >= windowFirstDay && day.day <= today)
      .reduce((sum, day) => sum + day.costMicroUsd, 0)
    const history = Array.from({ length: FORECAST_HISTORY_DAYS }, (_, index) => {
      const day = new Date(Date.parse(`${today}T00:00:00Z`) - (FORECAST_HISTORY_DAYS - index) * DAY_MS)
      return spendOn.get(day.toISOString().slice(0, 10)) ?? 0
    })
    const result = forecastBudget({
      limitMicroUsd: row.limitMicroUsd,
      spentMicroUsd: spent,
      spentTodayMicroUsd: spendOn.get(today) ?? 0,
      history,
      today,
      lastWindowDay: localDay(new Date(windowEnd.getTime() - 1), timeZone),
    })
    return {
      budgetId: row.id,
      name: row.name,
      teamId: row.teamId,
      scope,
      window,
      timeZone,
      windowStartsAt: windowStart.toISOString(),
      windowEndsAt: windowEnd.toISOString(),
      limitMicroUsd: row.limitMicroUsd,
      spentMicroUsd: spent,
      ...result,
      weekdayForecastMicroUsd: [...result.weekdayForecastMicroUsd],
    }
  }
}

const NO_METRICS: UsageMetricsView = {
  requests: 0,
  attempts: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteInputTokens: 0,
  reasoningTokens: 0,
  costMicroUsd: 0,
  estimatedEvents: 0,
}
