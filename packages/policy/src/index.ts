export { budgetWindowStart } from './budget-window.ts'
export {
  type BudgetCheck,
  type BudgetDecision,
  type BudgetWindowSpan,
  budgetBucketAt,
  budgetCounterKey,
  budgetSpent,
  budgetWindowAt,
  checkBudgets,
  crossedThresholds,
  HOUR_MS,
  reserve,
  worstCaseCostMicroUsd,
} from './budgets.ts'
export { CounterBook } from './counter-book.ts'
export {
  ALONE,
  checkRateLimits,
  countRequest,
  type LimitCost,
  type LimitDecision,
  type LimitKind,
  type LimitStanding,
  limitCounterKey,
  MINUTE_MS,
  SHARE_RETRY_MS,
  type Sharing,
  settleTokens,
  slidingCount,
  withinShare,
} from './rate-limits.ts'
