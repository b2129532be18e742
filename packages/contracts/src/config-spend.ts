import { z } from 'zod'
import { AlertThresholdsPct, BudgetWindow } from './budget-policy.ts'
import { EntityName, ModelName } from './entity-name.ts'
import { ConfigBudgetScope, ConfigRateLimitScope } from './scope.ts'
import { checkThroughputLimit, throughputLimitShape } from './throughput-limit.ts'
import { TimeZone } from './time-zone.ts'
import { UsdAmount } from './usd-amount.ts'
import { whenPresent } from './when-present.ts'

/**
 * The org a budget or limit belongs to. Key, team and project scopes imply it; user, tag and
 * model scopes need it unless exactly one org exists.
 */
const OwningOrg = EntityName.optional().describe(
  'Name of an org in `orgs` owning this; implied by key, team and project scopes, and by a single org',
)

/** What happens once a budget is spent: refuse requests, or serve them with a cheaper model. */
export const ConfigOnExceed = z.union([z.literal('reject'), z.strictObject({ downgradeTo: ModelName })], {
  error: whenPresent('must be reject or { downgradeTo: <model name> }'),
})
export type ConfigOnExceed = z.infer<typeof ConfigOnExceed>

/** A spend cap. Written with `limitUsd` in dollars; parsed with `limitMicroUsd` in integer micro-USD. */
export const ConfigBudget = z
  .strictObject({
    name: EntityName,
    org: OwningOrg,
    scope: ConfigBudgetScope,
    window: BudgetWindow.describe('Calendar window the budget resets on'),
    timeZone: TimeZone.default('UTC').describe('Time zone the window starts in'),
    limitUsd: UsdAmount,
    alertThresholdsPct: AlertThresholdsPct,
    onExceed: ConfigOnExceed.default('reject'),
  })
  .transform(({ limitUsd, ...budget }) => ({ ...budget, limitMicroUsd: limitUsd }))
export type ConfigBudget = z.infer<typeof ConfigBudget>

export const ConfigRateLimit = z
  .strictObject({ name: EntityName, org: OwningOrg, scope: ConfigRateLimitScope, ...throughputLimitShape })
  .superRefine(checkThroughputLimit)
export type ConfigRateLimit = z.infer<typeof ConfigRateLimit>
