import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, updatedAt, version } from './columns.ts'
import { orgs, teams } from './tenancy.ts'

/**
 * A requests/tokens-per-minute limit. `scope` is a contracts `RateLimitScope` (entities by id).
 * `orgId` and `teamId` say whose limit it is, derived from the scope when it is written, so
 * admins can be shown only their own; team null: an org-wide limit (a user or model scope).
 */
export const rateLimits = pgTable(
  'rate_limits',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull().unique(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'restrict' }),
    teamId: text('team_id').references(() => teams.id, { onDelete: 'restrict' }),
    scope: jsonb('scope').notNull(),
    requestsPerMinute: integer('requests_per_minute'),
    tokensPerMinute: integer('tokens_per_minute'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    version: version(),
  },
  (table) => [index('rate_limits_org_idx').on(table.orgId), index('rate_limits_team_idx').on(table.teamId)],
)

/**
 * A spend cap over a calendar window. `scope` is a contracts `BudgetScope`, `onExceed` a
 * `SnapshotOnExceed`; money is integer micro-USD (a bigint column read as a JS number: exact up
 * to 9 billion dollars). Ownership columns as for rate limits.
 */
export const budgets = pgTable(
  'budgets',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull().unique(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'restrict' }),
    teamId: text('team_id').references(() => teams.id, { onDelete: 'restrict' }),
    scope: jsonb('scope').notNull(),
    window: text('window').notNull(),
    timeZone: text('time_zone').notNull(),
    limitMicroUsd: bigint('limit_micro_usd', { mode: 'number' }).notNull(),
    alertThresholdsPct: integer('alert_thresholds_pct').array().notNull(),
    onExceed: jsonb('on_exceed').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    version: version(),
  },
  (table) => [index('budgets_org_idx').on(table.orgId), index('budgets_team_idx').on(table.teamId)],
)

/**
 * Budget alerts the control plane raised: one row per budget, window and threshold, so each is
 * sent once whichever replica notices it first; kept with its delivery state so a webhook that
 * failed is retried.
 */
export const budgetAlerts = pgTable(
  'budget_alerts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    budgetId: text('budget_id')
      .notNull()
      .references(() => budgets.id, { onDelete: 'cascade' }),
    windowStartsAt: timestamp('window_starts_at', { withTimezone: true, mode: 'date' }).notNull(),
    thresholdPct: integer('threshold_pct').notNull(),
    spentMicroUsd: bigint('spent_micro_usd', { mode: 'number' }).notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (table) => [uniqueIndex('budget_alerts_once_uq').on(table.budgetId, table.windowStartsAt, table.thresholdPct)],
)
