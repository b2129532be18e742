import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/** Who made a change: a signed-in admin, the bootstrap token, or the control plane itself (a config file at start). */
export const AUDIT_ACTOR_KINDS = ['user', 'bootstrap', 'system'] as const

/**
 * Append-only record of every change to the control plane's state, written in the same
 * transaction as the change. `before` and `after` hold the resource as the admin API shows it,
 * so secrets are already masked; null before: created, null after: deleted. Nothing updates or
 * deletes a row here. `orgId`/`teamId` say whose resource it was, so admins see only their own.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    actorKind: text('actor_kind', { enum: AUDIT_ACTOR_KINDS }).notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    orgId: text('org_id'),
    teamId: text('team_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: text('request_id'),
  },
  (table) => [
    index('audit_log_org_idx').on(table.orgId, table.id),
    index('audit_log_team_idx').on(table.teamId, table.id),
    index('audit_log_resource_idx').on(table.resourceType, table.resourceId),
  ],
)
