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
 * A budget with the spend already counted in the current window when the snapshot was compiled;
 * pods add what they count since. All money is integer micro-USD.
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
  onExceed: SnapshotOnExceed,
  alertThresholdsPct: AlertThresholdsPct,
})
export type SnapshotBudget = z.infer<typeof SnapshotBudget>

export const SnapshotRateLimit = z
  .strictObject({ id: SnapshotId, name: EntityName, scope: RateLimitScope, ...throughputLimitShape })
  .superRefine(checkThroughputLimit)
export type SnapshotRateLimit = z.infer<typeof SnapshotRateLimit>
