import type { OpenAPIHono } from '@hono/zod-openapi'
import { Membership, MembershipCreate, User, UserCreate, UserUpdate } from '@switchyard/contracts'
import { type Database, memberships, ORG_ROLES, users } from '@switchyard/db'
import { and, eq, inArray, ne, or, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { AdminEnv } from '../../auth/admin-auth.ts'
import { type ResourceDeps, registerCrud } from '../crud-resource.ts'
import { invalid, refuse, stamps, teamFor, userExists } from './lookups.ts'

type UserRow = typeof users.$inferSelect
type MembershipRow = typeof memberships.$inferSelect

async function rolesOfUser(tx: Database, userId: string): Promise<{ orgIds: string[]; teamIds: string[] }> {
  const rows = await tx
    .select({ orgId: memberships.orgId, teamId: memberships.teamId })
    .from(memberships)
    .where(eq(memberships.userId, userId))
  return {
    orgIds: [...new Set(rows.map((row) => row.orgId))],
    teamIds: [...new Set(rows.flatMap((row) => row.teamId ?? []))],
  }
}

const UserFilters = z.object({ subject: z.string().optional().describe('The user with this IdP subject') })

/**
 * Users are the installation's directory of people who may sign in. Org admins see it whole (to
 * add people to their org) and add users; a user is changed or removed only by someone who
 * administers every org that user holds a role in. Team admins see their teams' people;
 * everyone sees themselves.
 */
export function registerUsers(app: OpenAPIHono<AdminEnv>, deps: ResourceDeps): void {
  registerCrud(app, deps, {
    path: 'users',
    type: 'user',
    tag: 'People',
    table: users,
    schemas: { view: User, create: UserCreate, update: UserUpdate, filters: UserFilters },
    toView: (row: UserRow) => ({
      id: row.id,
      subject: row.subject,
      email: row.email,
      displayName: row.displayName,
      ...stamps(row),
    }),
    ownership: async (tx, row) => ({ orgId: null, teamId: null, ownerId: row.id, ...(await rolesOfUser(tx, row.id)) }),
    // As the list: org admins see the directory, team admins their teams' people, everyone themselves.
    canRead: (p, o) =>
      p.isCatalogAdmin ||
      o.ownerId === p.userId ||
      (o.teamIds ?? []).some((teamId) => p.teamAdminTeamIds.includes(teamId)),
    canWrite: (p, o) => p.isCatalogAdmin && (o.orgIds ?? []).every((orgId) => p.isOrgAdmin(orgId)),
    visibleTo: (p) =>
      p.isCatalogAdmin
        ? undefined
        : or(
            eq(users.id, p.userId ?? ''),
            inArray(
              users.id,
              sql`(select ${memberships.userId} from ${memberships} where ${inArray(memberships.teamId, [...p.teamAdminTeamIds])})`,
            ),
          ),
    filter: (query: z.infer<typeof UserFilters>) => [
      query.subject === undefined ? undefined : eq(users.subject, query.subject),
    ],
    async prepareCreate(_ctx, input) {
      return {
        values: { subject: input.subject, email: input.email ?? null, displayName: input.displayName ?? null },
        ownership: { orgId: null, teamId: null, orgIds: [] },
      }
    },
    prepareUpdate: async (_ctx, row, patch) => ({
      email: patch.email === undefined ? row.email : patch.email,
      displayName: patch.displayName === undefined ? row.displayName : patch.displayName,
    }),
  })
}

const MembershipFilters = z.object({
  userId: z.string().optional(),
  orgId: z.string().optional(),
  teamId: z.string().optional(),
})

/**
 * Memberships grant roles. Org roles are granted by org admins; team roles also by that team's
 * admins (who can grant no more than they hold). The last org admin of an org cannot be removed
 * except with the bootstrap token, so an org is never left without one by accident.
 */
export function registerMemberships(app: OpenAPIHono<AdminEnv>, deps: ResourceDeps): void {
  registerCrud(app, deps, {
    path: 'memberships',
    type: 'membership',
    tag: 'People',
    table: memberships,
    isUpdatable: false,
    schemas: { view: Membership, create: MembershipCreate, update: z.strictObject({}), filters: MembershipFilters },
    toView: (row: MembershipRow) => ({
      id: row.id,
      userId: row.userId,
      orgId: row.orgId,
      teamId: row.teamId,
      role: row.role,
      ...stamps(row),
    }),
    ownership: (_tx, row) => ({ orgId: row.orgId, teamId: row.teamId, ownerId: row.userId }),
    canRead: (p, o) => o.orgId !== null && (p.isTeamAdmin(o.orgId, o.teamId) || o.ownerId === p.userId),
    canWrite: (p, o) =>
      o.orgId !== null && (o.teamId === null ? p.isOrgAdmin(o.orgId) : p.isTeamAdmin(o.orgId, o.teamId)),
    visibleTo: (p) =>
      p.isBootstrap
        ? undefined
        : or(
            inArray(memberships.orgId, [...p.orgAdminOrgIds]),
            inArray(memberships.teamId, [...p.teamAdminTeamIds]),
            eq(memberships.userId, p.userId ?? ''),
          ),
    filter: (query: z.infer<typeof MembershipFilters>) => [
      query.userId === undefined ? undefined : eq(memberships.userId, query.userId),
      query.orgId === undefined ? undefined : eq(memberships.orgId, query.orgId),
      query.teamId === undefined ? undefined : eq(memberships.teamId, query.teamId),
    ],
    async prepareCreate(ctx, input) {
      const isOrgRole = (ORG_ROLES as readonly string[]).includes(input.role)
      const teamId = input.teamId ?? null
      if (isOrgRole && teamId !== null) throw invalid(`${input.role} is held on an org: leave teamId out.`, 'teamId')
      if (!isOrgRole && teamId === null) throw invalid(`${input.role} is held on a team: give teamId.`, 'teamId')
      if (teamId !== null) {
        const team = await teamFor(ctx, teamId)
        if (team.orgId !== input.orgId) throw invalid('The team is not in that org.', 'teamId')
      } else if (!ctx.principal.hasRoleIn(input.orgId)) {
        throw refuse(`You may not grant roles in org ${JSON.stringify(input.orgId)}.`)
      }
      await userExists(ctx, input.userId)
      return {
        values: { userId: input.userId, orgId: input.orgId, teamId, role: input.role },
        ownership: { orgId: input.orgId, teamId, ownerId: input.userId },
      }
    },
    prepareUpdate: async () => ({}),
    async checkDelete(ctx, row) {
      if (row.role !== 'org_admin' || ctx.principal.isBootstrap) return
      const others = await ctx.tx
        .select({ id: memberships.id })
        .from(memberships)
        .where(and(eq(memberships.orgId, row.orgId), eq(memberships.role, 'org_admin'), ne(memberships.id, row.id)))
      if (others.length === 0)
        throw refuse('This is the org’s last org admin; add another before removing it.', 'last_org_admin')
    },
  })
}
