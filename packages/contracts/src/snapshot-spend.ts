import { z } from 'zod'
import { AlertThresholdsPct, BudgetWindow } from './budget-policy.ts'
import { EntityName } from './entity-name.ts'
import { BudgetScope, RateLimitScope } from './scope.ts'
import { SnapshotId } from './snapshot-id.ts'
import { checkThroughputLimit, throughputLimitShape } from './throughput-limit.ts'
import { TimeZone } from './time-zone.ts'
import { MicroUsd } from './usd-amount.ts'

export const SnapshotOnExceed = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('reject') }),
  z.strictObject({ action: z.literal('downgrade'), modelId: SnapshotId }),
])
export type SnapshotOnExceed = z.infer<typeof SnapshotOnExceed>

/**
 * A budget with the spend the control plane read from the usage store for the current window:
 * `spentMicroUsd` is everything from `windowStartsAt` up to `spentThrough` (an hour boundary an
 * hour or more in the past, so late events have been ingested); pods add what they count from
 * `spentThrough` on, in hourly buckets. All money is integer micro-USD.
 */
export const SnapshotBudget = z.strictObject({
  id: SnapshotId,
  name: EntityName,
  scope: BudgetScope,
  window: BudgetWindow,
  timeZone: TimeZone,
  limitMicroUsd: MicroUsd,
  spentMicroUsd: MicroUsd,
  windowStartsAt: z.iso.datetime({ offset: true }),
  /** Up to when `spentMicroUsd` counts; equal to `windowStartsAt` when no usage store is read. */
  spentThrough: z.iso.datetime({ offset: true }),
  onExceed: SnapshotOnExceed,
  alertThresholdsPct: AlertThresholdsPct,
})
export type SnapshotBudget = z.infer<typeof SnapshotBudget>

export const SnapshotRateLimit = z
  .strictObject({ id: SnapshotId, name: EntityName, scope: RateLimitScope, ...throughputLimitShape })
  .superRefine(checkThroughputLimit)
export type SnapshotRateLimit = z.infer<typeof SnapshotRateLimit>
