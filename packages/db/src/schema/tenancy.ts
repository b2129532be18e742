import { bigint, bigserial, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, updatedAt, version } from './columns.ts'

/** The tenant root. Names are unique and are how the config file refers to an org. */
export const orgs = pgTable('orgs', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  displayName: text('display_name'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version(),
})

export const teams = pgTable(
  'teams',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    displayName: text('display_name'),
    /** Null: every model the org may use. */
    allowedModels: text('allowed_models').array(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    version: version(),
  },
  (table) => [uniqueIndex('teams_org_name_uq').on(table.orgId, table.name)],
)

export const projects = pgTable(
  'projects',
  {
    id: text('id').primaryKey(),
    teamId: text('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    displayName: text('display_name'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    version: version(),
  },
  (table) => [uniqueIndex('projects_team_name_uq').on(table.teamId, table.name)],
)

/**
 * One row per published policy snapshot. The revision comes from a sequence so that it only
 * ever grows, whichever control-plane replica publishes.
 */
export const snapshotRevisions = pgTable('snapshot_revisions', {
  revision: bigserial('revision', { mode: 'number' }).primaryKey(),
  /** `policy`: a whole policy snapshot; `keys`: a key overlay on top of `baseRevision`. */
  kind: text('kind', { enum: ['policy', 'keys'] })
    .notNull()
    .default('policy'),
  baseRevision: bigint('base_revision', { mode: 'number' }),
  /**
   * For a policy snapshot, the Postgres snapshot (`pg_current_snapshot()`) it was read at: a key
   * overlay carries exactly the keys whose last change that snapshot could not see.
   */
  readSnapshot: text('read_snapshot'),
  checksum: text('checksum').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
})
