import type { ModelPrice, SnapshotBudget } from '@switchyard/contracts'
import { budgetWindowStart } from './budget-window.ts'
import type { CounterBook } from './counter-book.ts'
import { ALONE, type Sharing, withinShare } from './rate-limits.ts'

/** A budget window's spend counter; its buckets are the hours of the window (the first may start mid-hour). */
export const budgetCounterKey = (budgetId: string, windowStartMs: number) => `budget:${budgetId}:${windowStartMs}`

export const HOUR_MS = 3_600_000

const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS

/** The bucket spend at `nowMs` goes into: its hour, or the window's start within the window's first hour. */
export const budgetBucketAt = (span: BudgetWindowSpan, nowMs: number) => Math.max(span.startMs, floorHour(nowMs))

/** The window a budget is in at `nowMs`: [start, end). */
export interface BudgetWindowSpan {
  readonly startMs: number
  readonly endMs: number
}

const DAY_MS = 86_400_000

/** The calendar window in force at `nowMs`, in the budget's time zone. */
export function budgetWindowAt(budget: SnapshotBudget, nowMs: number): BudgetWindowSpan {
  const startMs = budgetWindowStart(budget.window, budget.timeZone, new Date(nowMs)).getTime()
  // A point safely inside the next window: a day and a half, 8 days or 32 days on.
  const ahead = { daily: 1.5 * DAY_MS, weekly: 8 * DAY_MS, monthly: 32 * DAY_MS }[budget.window]
  const endMs = budgetWindowStart(budget.window, budget.timeZone, new Date(startMs + ahead)).getTime()
  return { startMs, endMs }
}

/**
 * What the budget has spent in the window: the control plane's baseline (spend up to
 * `spentThrough`) when the snapshot was compiled in this same window, plus the hourly buckets
 * every pod counted from then on. A window the snapshot has not reached yet starts at zero.
 */
export function budgetSpent(budget: SnapshotBudget, book: CounterBook, span: BudgetWindowSpan, nowMs: number): number {
  const isBaselineWindow = Date.parse(budget.windowStartsAt) === span.startMs
  const baseline = isBaselineWindow ? budget.spentMicroUsd : 0
  const countedFrom = isBaselineWindow ? Math.max(span.startMs, Date.parse(budget.spentThrough)) : span.startMs
  const key = budgetCounterKey(budget.id, span.startMs)
  let counted = 0
  for (let bucket = budgetBucketAt(span, countedFrom); bucket <= nowMs; bucket = floorHour(bucket) + HOUR_MS) {
    counted += book.value(key, bucket)
  }
  return baseline + counted
}

/** What a request may cost at most, in micro-USD: its input and its most output at the dearest deployment's prices. */
export function worstCaseCostMicroUsd(
  prices: readonly ModelPrice[],
  inputTokens: number,
  maxOutputTokens: number,
): number {
  let worst = 0
  for (const price of prices) {
    const cost = Math.ceil(
      (inputTokens * price.inputMicroUsdPerMTok + maxOutputTokens * price.outputMicroUsdPerMTok) / 1_000_000,
    )
    if (cost > worst) worst = cost
  }
  return worst
}

export interface BudgetCheck {
  readonly budget: SnapshotBudget
  readonly span: BudgetWindowSpan
  /** The hourly bucket this request's reservation and spend go into. */
  readonly bucketMs: number
  readonly spentMicroUsd: number
}

export type BudgetDecision =
  | { readonly kind: 'allow'; readonly checks: readonly BudgetCheck[] }
  | { readonly kind: 'exceeded'; readonly budget: SnapshotBudget; readonly check: BudgetCheck }
  /** Not spent, but this pod used its share of what is left until its peers have its counts. */
  | { readonly kind: 'contended'; readonly budget: SnapshotBudget; readonly check: BudgetCheck }

/**
 * A hard budget admits a request only if what it has spent (reservations of requests in flight
 * included) plus this request's worst case stays within its limit, and, while other pods cannot
 * see this pod's latest reservations, only within this pod's share of what is left (see
 * `withinShare`). Pure.
 */
export function checkBudgets(
  budgets: readonly SnapshotBudget[],
  book: CounterBook,
  reservationMicroUsd: number,
  nowMs: number,
  sharing: Sharing = ALONE,
): BudgetDecision {
  const checks: BudgetCheck[] = []
  for (const budget of budgets) {
    const span = budgetWindowAt(budget, nowMs)
    const bucketMs = budgetBucketAt(span, nowMs)
    const check = { budget, span, bucketMs, spentMicroUsd: budgetSpent(budget, book, span, nowMs) }
    if (check.spentMicroUsd + reservationMicroUsd > budget.limitMicroUsd) return { kind: 'exceeded', budget, check }
    const unsent = book.unsent(budgetCounterKey(budget.id, span.startMs), bucketMs, nowMs, sharing.graceMs)
    if (!withinShare(budget.limitMicroUsd, check.spentMicroUsd, unsent, reservationMicroUsd, sharing.pods)) {
      return { kind: 'contended', budget, check }
    }
    checks.push(check)
  }
  return { kind: 'allow', checks }
}

/** Counts an amount (a reservation, or its settlement) in each budget's bucket of the request. */
export function reserve(checks: readonly BudgetCheck[], book: CounterBook, amountMicroUsd: number): void {
  for (const { budget, span, bucketMs } of checks) {
    book.add(budgetCounterKey(budget.id, span.startMs), bucketMs, span.endMs, amountMicroUsd)
  }
}

/**
 * Alert thresholds (percent of the limit) a change of spend crossed upward, for the soft alerts
 * at e.g. 50/80/100 %.
 */
export function crossedThresholds(budget: SnapshotBudget, beforeMicroUsd: number, afterMicroUsd: number): number[] {
  const pct = (spent: number) => (spent * 100) / budget.limitMicroUsd
  return budget.alertThresholdsPct.filter(
    (threshold) => pct(beforeMicroUsd) < threshold && pct(afterMicroUsd) >= threshold,
  )
}
