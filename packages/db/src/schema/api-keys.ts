import { sql } from 'drizzle-orm'
import { check, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, updatedAt } from './columns.ts'
import { orgs, projects, teams } from './tenancy.ts'

/** Mirrors the contracts' `KEY_STATUSES`; the database refuses any other value. */
export const API_KEY_STATUSES = ['active', 'revoked', 'blocked'] as const

/**
 * A virtual API key. The key itself is never stored: only its keyed hash (hex HMAC-SHA256 under
 * the server pepper), which requests are looked up by, and a display prefix. Names are unique
 * within an org, which is how the config file refers to a key.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    prefix: text('prefix').notNull(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'restrict' }),
    teamId: text('team_id').references(() => teams.id, { onDelete: 'restrict' }),
    projectId: text('project_id').references(() => projects.id, { onDelete: 'restrict' }),
    environment: text('environment'),
    userId: text('user_id'),
    /** Attribution tags added to every request made with the key (string to string). */
    tags: jsonb('tags').notNull().default({}),
    /** Null: every model the key's team may use. */
    allowedModels: text('allowed_models').array(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    status: text('status', { enum: API_KEY_STATUSES }).notNull().default('active'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex('api_keys_org_name_uq').on(table.orgId, table.name),
    index('api_keys_team_idx').on(table.teamId),
    check(
      'api_keys_status_check',
      sql`${table.status} in (${sql.raw(API_KEY_STATUSES.map((s) => `'${s}'`).join(', '))})`,
    ),
  ],
)
