import { sql } from 'drizzle-orm'
import { check, index, pgTable, text, unique } from 'drizzle-orm/pg-core'
import { createdAt, updatedAt, version } from './columns.ts'
import { orgs, teams } from './tenancy.ts'

/** Mirrors the contracts' `ADMIN_ROLES`; the database refuses any other value. */
export const ADMIN_ROLES = ['org_admin', 'team_admin', 'member', 'finance_viewer'] as const

/** Roles held on a whole org; the others are held on one team. */
export const ORG_ROLES = ['org_admin', 'finance_viewer'] as const

/**
 * A person who signs in to the admin API with a token from the organisation's IdP. `subject` is
 * the token's `sub` claim, unique across the installation; what they may do comes from their
 * memberships, never from the token alone.
 */
export const users = pgTable('users', {
  id: text('id').primaryKey(),
  subject: text('subject').notNull().unique(),
  email: text('email'),
  displayName: text('display_name'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version(),
})

/**
 * A role a user holds: on an org (`org_admin`, `finance_viewer`, team null) or on one team of
 * that org (`team_admin`, `member`). The check keeps the two kinds apart.
 */
export const memberships = pgTable(
  'memberships',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    teamId: text('team_id').references(() => teams.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ADMIN_ROLES }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    version: version(),
  },
  (table) => [
    unique('memberships_user_org_team_role_uq')
      .on(table.userId, table.orgId, table.teamId, table.role)
      .nullsNotDistinct(),
    index('memberships_org_idx').on(table.orgId),
    index('memberships_team_idx').on(table.teamId),
    check(
      'memberships_role_check',
      sql`(${table.role} in ('org_admin', 'finance_viewer') and ${table.teamId} is null) or (${table.role} in ('team_admin', 'member') and ${table.teamId} is not null)`,
    ),
  ],
)
