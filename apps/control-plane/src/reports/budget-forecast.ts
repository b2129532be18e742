/** Days of history the weekday profile is learned from: four of each weekday. */
export const FORECAST_HISTORY_DAYS = 28

export interface BudgetForecastInput {
  readonly limitMicroUsd: number
  /** Spent in the current window so far. */
  readonly spentMicroUsd: number
  /** Spent today (local day) so far. */
  readonly spentTodayMicroUsd: number
  /** Spend of the 28 whole local days before today, oldest first. */
  readonly history: readonly number[]
  /** Today, `YYYY-MM-DD` in the budget's time zone. */
  readonly today: string
  /** The window's last local day, `YYYY-MM-DD` (inclusive). */
  readonly lastWindowDay: string
}

export interface BudgetForecastResult {
  readonly burnRateMicroUsdPerDay: number
  /** Expected spend of a Monday … Sunday. */
  readonly weekdayForecastMicroUsd: readonly number[]
  readonly projectedWindowSpendMicroUsd: number
  /** The local day the limit is reached (today when already reached); null: not in this window. */
  readonly projectedExhaustionDate: string | null
  readonly isExhausted: boolean
}

const DAY_MS = 86_400_000

function dayNumber(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / DAY_MS
}

/** 0 for Monday … 6 for Sunday. */
function weekdayOf(dayNum: number): number {
  // 1970-01-01 was a Thursday (3).
  return (((dayNum + 3) % 7) + 7) % 7
}

function dayString(dayNum: number): string {
  return new Date(dayNum * DAY_MS).toISOString().slice(0, 10)
}

/**
 * The expected spend of each weekday: the share of the last 28 days' spend that fell on that
 * weekday (`S_w / T`, the seasonality), times the spend of the last 7 days (`L7`, the recent burn
 * rate): `forecast(w) = ⌊S_w × L7 / T⌋`. A series that repeats the same week exactly is forecast
 * to repeat it exactly. Integers throughout (BigInt for the product).
 */
export function weekdayForecast(history: readonly number[], firstDayWeekday: number): number[] {
  if (history.length !== FORECAST_HISTORY_DAYS)
    throw new RangeError(`the forecast needs ${FORECAST_HISTORY_DAYS} days of history, got ${history.length}`)
  const byWeekday = [0n, 0n, 0n, 0n, 0n, 0n, 0n]
  history.forEach((spend, index) => {
    const weekday = (firstDayWeekday + index) % 7
    byWeekday[weekday] = (byWeekday[weekday] ?? 0n) + BigInt(spend)
  })
  const total = byWeekday.reduce((sum, value) => sum + value, 0n)
  const lastWeek = history.slice(-7).reduce((sum, spend) => sum + BigInt(spend), 0n)
  if (total === 0n) return [0, 0, 0, 0, 0, 0, 0]
  return byWeekday.map((spend) => Number((spend * lastWeek) / total))
}

/**
 * Projects a budget to the end of its window: what is spent, plus what is left of today's
 * expected spend, plus each remaining day's weekday forecast; the exhaustion date is the first
 * local day the running total reaches the limit.
 */
export function forecastBudget(input: BudgetForecastInput): BudgetForecastResult {
  const today = dayNumber(input.today)
  const firstHistoryDay = today - FORECAST_HISTORY_DAYS
  const forecast = weekdayForecast(input.history, weekdayOf(firstHistoryDay))
  const lastWeek = input.history.slice(-7).reduce((sum, spend) => sum + spend, 0)
  const expected = (dayNum: number) => forecast[weekdayOf(dayNum)] ?? 0
  const isExhausted = input.spentMicroUsd >= input.limitMicroUsd
  let projected = input.spentMicroUsd + Math.max(0, expected(today) - input.spentTodayMicroUsd)
  let exhaustion: string | null = isExhausted || projected >= input.limitMicroUsd ? input.today : null
  for (let day = today + 1; day <= dayNumber(input.lastWindowDay); day += 1) {
    projected += expected(day)
    if (exhaustion === null && projected >= input.limitMicroUsd) exhaustion = dayString(day)
  }
  return {
    burnRateMicroUsdPerDay: Math.floor(lastWeek / 7),
    weekdayForecastMicroUsd: forecast,
    projectedWindowSpendMicroUsd: projected,
    projectedExhaustionDate: exhaustion,
    isExhausted,
  }
}
