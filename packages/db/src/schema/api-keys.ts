import { sql } from 'drizzle-orm'
import { check, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, updatedAt, version } from './columns.ts'
import { orgs, projects, teams } from './tenancy.ts'
import { users } from './users.ts'

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
    /**
     * The environment variable a config file seeds the key from (`secret: { env: … }`), kept so an
     * export names the same variable; null for keys made in the admin API. A name, never a value.
     */
    secretEnv: text('secret_env'),
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
    /** The gateway APIs the key may call (`KEY_SCOPES`); null: all of them. */
    scopes: text('scopes').array(),
    /** The admin user who owns the key (members manage their own keys); null: a service key. */
    ownerId: text('owner_id').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    status: text('status', { enum: API_KEY_STATUSES }).notNull().default('active'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    version: version(),
  },
  (table) => [
    uniqueIndex('api_keys_org_name_uq').on(table.orgId, table.name),
    index('api_keys_team_idx').on(table.teamId),
    index('api_keys_owner_idx').on(table.ownerId),
    check(
      'api_keys_status_check',
      sql`${table.status} in (${sql.raw(API_KEY_STATUSES.map((s) => `'${s}'`).join(', '))})`,
    ),
  ],
)
