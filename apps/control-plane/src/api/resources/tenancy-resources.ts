import type { OpenAPIHono } from '@hono/zod-openapi'
import {
  Org,
  OrgCreate,
  OrgUpdate,
  Project,
  ProjectCreate,
  ProjectUpdate,
  Team,
  TeamCreate,
  TeamUpdate,
} from '@switchyard/contracts'
import { orgs, projects, teams } from '@switchyard/db'
import { eq, inArray, or, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { AdminEnv } from '../../auth/admin-auth.ts'
import { type ResourceDeps, registerCrud } from '../crud-resource.ts'
import { checkModelNames, orgIdOfTeam, refuse, stamps, teamFor } from './lookups.ts'

type OrgRow = typeof orgs.$inferSelect
type TeamRow = typeof teams.$inferSelect
type ProjectRow = typeof projects.$inferSelect

/** Orgs: created by the bootstrap token only; their admins change them; anyone with a role in one reads it. */
export function registerOrgs(app: OpenAPIHono<AdminEnv>, deps: ResourceDeps): void {
  registerCrud(app, deps, {
    path: 'orgs',
    type: 'org',
    tag: 'Tenancy',
    table: orgs,
    schemas: { view: Org, create: OrgCreate, update: OrgUpdate, filters: z.object({}) },
    toView: (row: OrgRow) => ({ id: row.id, name: row.name, displayName: row.displayName, ...stamps(row) }),
    ownership: (_tx, row) => ({ orgId: row.id, teamId: null }),
    canRead: (p, o) => o.orgId !== null && p.hasRoleIn(o.orgId),
    canWrite: (p, o) => (o.orgId === null ? p.isBootstrap : p.isOrgAdmin(o.orgId)),
    visibleTo: (p) => (p.isBootstrap ? undefined : inArray(orgs.id, [...p.orgIds])),
    filter: () => [],
    async prepareCreate(ctx, input) {
      if (!ctx.principal.isBootstrap) throw refuse('Only the bootstrap admin token can create orgs.')
      return {
        values: { name: input.name, displayName: input.displayName ?? null },
        ownership: { orgId: null, teamId: null },
      }
    },
    prepareUpdate: async (_ctx, row, patch) => ({
      name: patch.name ?? row.name,
      displayName: patch.displayName === undefined ? row.displayName : patch.displayName,
    }),
  })
}

const TeamFilters = z.object({ orgId: z.string().optional().describe('Only teams of this org') })

/** Teams: org admins create and change them; their members, team admins and the org's finance viewers read them. */
export function registerTeams(app: OpenAPIHono<AdminEnv>, deps: ResourceDeps): void {
  registerCrud(app, deps, {
    path: 'teams',
    type: 'team',
    tag: 'Tenancy',
    table: teams,
    schemas: { view: Team, create: TeamCreate, update: TeamUpdate, filters: TeamFilters },
    toView: (row: TeamRow) => ({
      id: row.id,
      orgId: row.orgId,
      name: row.name,
      displayName: row.displayName,
      allowedModels: row.allowedModels,
      ...stamps(row),
    }),
    ownership: (_tx, row) => ({ orgId: row.orgId, teamId: row.id }),
    canRead: (p, o) => o.orgId !== null && (p.isTeamMember(o.orgId, o.teamId) || p.isFinanceViewer(o.orgId)),
    canWrite: (p, o) => o.orgId !== null && p.isOrgAdmin(o.orgId),
    visibleTo: (p) =>
      p.isBootstrap
        ? undefined
        : or(inArray(teams.orgId, [...p.orgAdminOrgIds, ...p.financeOrgIds]), inArray(teams.id, [...p.memberTeamIds])),
    filter: (query: z.infer<typeof TeamFilters>) => [
      query.orgId === undefined ? undefined : eq(teams.orgId, query.orgId),
    ],
    async prepareCreate(ctx, input) {
      const [org] = await ctx.tx.select({ id: orgs.id }).from(orgs).where(eq(orgs.id, input.orgId))
      if (org === undefined || !ctx.principal.hasRoleIn(input.orgId)) {
        throw refuse(`You may not create teams in org ${JSON.stringify(input.orgId)}.`)
      }
      await checkModelNames(ctx, input.allowedModels, 'allowedModels')
      return {
        values: {
          orgId: input.orgId,
          name: input.name,
          displayName: input.displayName ?? null,
          allowedModels: input.allowedModels ?? null,
        },
        ownership: { orgId: input.orgId, teamId: null },
      }
    },
    async prepareUpdate(ctx, row, patch) {
      await checkModelNames(ctx, patch.allowedModels, 'allowedModels')
      return {
        name: patch.name ?? row.name,
        displayName: patch.displayName === undefined ? row.displayName : patch.displayName,
        allowedModels: patch.allowedModels === undefined ? row.allowedModels : patch.allowedModels,
      }
    },
  })
}

const ProjectFilters = z.object({ teamId: z.string().optional().describe('Only projects of this team') })

/** Projects: team admins (and org admins) manage them; team members read them. */
export function registerProjects(app: OpenAPIHono<AdminEnv>, deps: ResourceDeps): void {
  registerCrud(app, deps, {
    path: 'projects',
    type: 'project',
    tag: 'Tenancy',
    table: projects,
    schemas: { view: Project, create: ProjectCreate, update: ProjectUpdate, filters: ProjectFilters },
    toView: (row: ProjectRow) => ({
      id: row.id,
      teamId: row.teamId,
      name: row.name,
      displayName: row.displayName,
      ...stamps(row),
    }),
    ownership: async (tx, row) => ({ orgId: await orgIdOfTeam({ tx }, row.teamId), teamId: row.teamId }),
    canRead: (p, o) => o.orgId !== null && (p.isTeamMember(o.orgId, o.teamId) || p.isFinanceViewer(o.orgId)),
    canWrite: (p, o) => o.orgId !== null && p.isTeamAdmin(o.orgId, o.teamId),
    visibleTo: (p) =>
      p.isBootstrap
        ? undefined
        : or(
            inArray(projects.teamId, [...p.memberTeamIds]),
            inArray(
              projects.teamId,
              sql`(select ${teams.id} from ${teams} where ${inArray(teams.orgId, [...p.orgAdminOrgIds, ...p.financeOrgIds])})`,
            ),
          ),
    filter: (query: z.infer<typeof ProjectFilters>) => [
      query.teamId === undefined ? undefined : eq(projects.teamId, query.teamId),
    ],
    async prepareCreate(ctx, input) {
      const team = await teamFor(ctx, input.teamId)
      return {
        values: { teamId: team.id, name: input.name, displayName: input.displayName ?? null },
        ownership: { orgId: team.orgId, teamId: team.id },
      }
    },
    prepareUpdate: async (_ctx, row, patch) => ({
      name: patch.name ?? row.name,
      displayName: patch.displayName === undefined ? row.displayName : patch.displayName,
    }),
  })
}
