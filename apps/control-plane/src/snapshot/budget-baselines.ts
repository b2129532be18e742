import type { BudgetScope } from '@switchyard/contracts'
import { budgetWindowStart, HOUR_MS } from '@switchyard/policy'
import type { PolicyState } from './compile-snapshot.ts'

/** Where budgets' past spend is read: the usage store, in production. */
export interface SpendSource {
  spend(query: { orgId: string; scope: BudgetScope; from: Date; to: Date }): Promise<number>
}

/**
 * How far back the usage store is trusted to be complete: events reach it within seconds, but a
 * pod that lost NATS replays its spool later. Spend newer than this is the pods' to count.
 */
export const BASELINE_LAG_MS = HOUR_MS

type Baselines = NonNullable<PolicyState['budgetBaselines']>

/**
 * Each budget's spend in its current window up to an hour boundary at least `BASELINE_LAG_MS`
 * back, read from the usage store: the starting spend pods add their own hourly counts to. A
 * window younger than that has no baseline yet (its spend is all in the pods' counts).
 */
export async function readBudgetBaselines(
  budgets: PolicyState['budgets'],
  source: SpendSource,
  now: Date,
): Promise<Baselines> {
  const through = Math.floor((now.getTime() - BASELINE_LAG_MS) / HOUR_MS) * HOUR_MS
  const baselines = new Map<string, { spentMicroUsd: number; spentThrough: Date }>()
  for (const budget of budgets) {
    const windowStart = budgetWindowStart(budget.window, budget.timeZone, now)
    if (through <= windowStart.getTime()) continue
    const spentThrough = new Date(through)
    const spentMicroUsd = await source.spend({
      orgId: budget.orgId,
      scope: budget.scope,
      from: windowStart,
      to: spentThrough,
    })
    baselines.set(budget.id, { spentMicroUsd, spentThrough })
  }
  return baselines
}
