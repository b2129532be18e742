import { z } from 'zod'

/** Calendar windows a budget resets on, in the budget's time zone. */
export const BUDGET_WINDOWS = ['daily', 'weekly', 'monthly'] as const
export const BudgetWindow = z.enum(BUDGET_WINDOWS)
export type BudgetWindow = z.infer<typeof BudgetWindow>

/** Percentages of the limit at which an alert fires, strictly increasing. */
export const AlertThresholdsPct = z
  .array(z.int().min(1).max(1000))
  .refine((thresholds) => thresholds.every((pct, i) => i === 0 || pct > (thresholds[i - 1] ?? 0)), {
    error: 'thresholds must be strictly increasing',
  })
  .default(() => [50, 80, 100])
