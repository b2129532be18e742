import type { OpenAPIHono } from '@hono/zod-openapi'
import {
  Budget,
  BudgetCreate,
  type BudgetScope,
  BudgetUpdate,
  JwtIssuerCreate,
  JwtIssuerUpdate,
  JwtIssuerView,
  RateLimit,
  RateLimitCreate,
  type RateLimitScope,
  RateLimitUpdate,
} from '@switchyard/contracts'
import { budgets, jwtIssuers, models, rateLimits } from '@switchyard/db'
import type { SQL } from 'drizzle-orm'
import { eq, inArray, or } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'
import { z } from 'zod'
import type { AdminEnv } from '../../auth/admin-auth.ts'
import type { Principal } from '../../auth/principal.ts'
import { type ResourceContext, type ResourceDeps, registerCrud } from '../crud-resource.ts'
import { invalid, keyFor, patched, projectFor, refuse, stamps, teamFor } from './lookups.ts'

const OrgFilters = z.object({ orgId: z.string().optional(), teamId: z.string().optional() })
type OrgFilters = z.infer<typeof OrgFilters>

/** Limits and budgets: their org's admins set them; the teams they cap and the org's finance viewers read them. */
const spendRules = (table: { orgId: PgColumn; teamId: PgColumn }) => ({
  canRead: (p: Principal, o: { orgId: string | null; teamId: string | null }) =>
    o.orgId !== null && (p.isFinanceViewer(o.orgId) || (o.teamId !== null && p.isTeamMember(o.orgId, o.teamId))),
  canWrite: (p: Principal, o: { orgId: string | null }) => o.orgId !== null && p.isOrgAdmin(o.orgId),
  visibleTo: (p: Principal): SQL | undefined =>
    p.isBootstrap
      ? undefined
      : or(
          inArray(table.orgId, [...p.orgAdminOrgIds, ...p.financeOrgIds]),
          inArray(table.teamId, [...p.memberTeamIds]),
        ),
  filter: (query: OrgFilters) => [
    query.orgId === undefined ? undefined : eq(table.orgId, query.orgId),
    query.teamId === undefined ? undefined : eq(table.teamId, query.teamId),
  ],
})

/** Whose a scope is: the org and team of the key, team or project it names; the given org for the rest. */
async function ownerOfScope(
  ctx: ResourceContext,
  scope: RateLimitScope | BudgetScope,
  orgId: string,
): Promise<{ orgId: string; teamId: string | null }> {
  const owner = await (async () => {
    switch (scope.kind) {
      case 'key': {
        const key = await keyFor(ctx, scope.id)
        return { orgId: key.orgId, teamId: key.teamId }
      }
      case 'team': {
        const team = await teamFor(ctx, scope.id)
        return { orgId: team.orgId, teamId: team.id }
      }
      case 'project': {
        const project = await projectFor(ctx, scope.id)
        const team = await teamFor(ctx, project.teamId)
        return { orgId: team.orgId, teamId: team.id }
      }
      case 'model': {
        const [model] = await ctx.tx.select({ id: models.id }).from(models).where(eq(models.id, scope.id))
        if (model === undefined) throw invalid(`No model with id ${JSON.stringify(scope.id)}.`, 'scope.id')
        return { orgId, teamId: null }
      }
      default:
        return { orgId, teamId: null }
    }
  })()
  if (owner.orgId !== orgId) throw invalid('The scope names something outside the given org.', 'scope')
  return owner
}

export function registerRateLimits(app: OpenAPIHono<AdminEnv>, deps: ResourceDeps): void {
  type Row = typeof rateLimits.$inferSelect
  registerCrud(app, deps, {
    path: 'rate-limits',
    type: 'rate_limit',
    tag: 'Limits and budgets',
    table: rateLimits,
    schemas: { view: RateLimit, create: RateLimitCreate, update: RateLimitUpdate, filters: OrgFilters },
    toView: (row: Row) => ({
      id: row.id,
      orgId: row.orgId,
      teamId: row.teamId,
      name: row.name,
      scope: row.scope as RateLimitScope,
      ...(row.requestsPerMinute === null ? {} : { requestsPerMinute: row.requestsPerMinute }),
      ...(row.tokensPerMinute === null ? {} : { tokensPerMinute: row.tokensPerMinute }),
      ...stamps(row),
    }),
    ownership: (_tx, row) => ({ orgId: row.orgId, teamId: row.teamId }),
    ...spendRules(rateLimits),
    async prepareCreate(ctx, input) {
      const owner = await ownerOfScope(ctx, input.scope, input.orgId)
      return {
        values: {
          ...owner,
          name: input.name,
          scope: input.scope,
          requestsPerMinute: input.requestsPerMinute ?? null,
          tokensPerMinute: input.tokensPerMinute ?? null,
        },
        ownership: owner,
      }
    },
    async prepareUpdate(_ctx, row, patch) {
      const values = {
        name: patch.name ?? row.name,
        requestsPerMinute: patch.requestsPerMinute === undefined ? row.requestsPerMinute : patch.requestsPerMinute,
        tokensPerMinute: patch.tokensPerMinute === undefined ? row.tokensPerMinute : patch.tokensPerMinute,
      }
      if (values.requestsPerMinute === null && values.tokensPerMinute === null) {
        throw invalid('Keep requestsPerMinute, tokensPerMinute or both.', 'requestsPerMinute')
      }
      return values
    },
  })
}

export function registerBudgets(app: OpenAPIHono<AdminEnv>, deps: ResourceDeps): void {
  type Row = typeof budgets.$inferSelect
  const checkDowngrade = async (ctx: ResourceContext, onExceed: { action: string; modelId?: string }) => {
    if (onExceed.action !== 'downgrade' || onExceed.modelId === undefined) return
    const [model] = await ctx.tx.select({ id: models.id }).from(models).where(eq(models.id, onExceed.modelId))
    if (model === undefined) throw invalid(`No model with id ${JSON.stringify(onExceed.modelId)}.`, 'onExceed.modelId')
  }
  registerCrud(app, deps, {
    path: 'budgets',
    type: 'budget',
    tag: 'Limits and budgets',
    table: budgets,
    schemas: { view: Budget, create: BudgetCreate, update: BudgetUpdate, filters: OrgFilters },
    toView: (row: Row) => ({
      id: row.id,
      orgId: row.orgId,
      teamId: row.teamId,
      name: row.name,
      scope: row.scope as BudgetScope,
      window: row.window as z.infer<typeof Budget>['window'],
      timeZone: row.timeZone,
      limitMicroUsd: row.limitMicroUsd,
      alertThresholdsPct: row.alertThresholdsPct,
      onExceed: row.onExceed as z.infer<typeof Budget>['onExceed'],
      ...stamps(row),
    }),
    ownership: (_tx, row) => ({ orgId: row.orgId, teamId: row.teamId }),
    ...spendRules(budgets),
    async prepareCreate(ctx, input) {
      const owner = await ownerOfScope(ctx, input.scope, input.orgId)
      await checkDowngrade(ctx, input.onExceed)
      const { orgId: _org, ...fields } = input
      return { values: { ...owner, ...fields }, ownership: owner }
    },
    async prepareUpdate(ctx, row, patch) {
      if (patch.onExceed !== undefined) await checkDowngrade(ctx, patch.onExceed)
      const pick = <K extends keyof typeof patch & keyof typeof row>(field: K) => patched(row, patch, field)
      return {
        name: pick('name'),
        window: pick('window'),
        timeZone: pick('timeZone'),
        limitMicroUsd: pick('limitMicroUsd'),
        alertThresholdsPct: pick('alertThresholdsPct'),
        onExceed: pick('onExceed'),
      }
    },
  })
}

/** App token issuers: their org's admins manage them. */
export function registerJwtIssuers(app: OpenAPIHono<AdminEnv>, deps: ResourceDeps): void {
  type Row = typeof jwtIssuers.$inferSelect
  const Filters = z.object({ orgId: z.string().optional() })
  registerCrud(app, deps, {
    path: 'jwt-issuers',
    type: 'jwt_issuer',
    tag: 'Identity',
    table: jwtIssuers,
    schemas: { view: JwtIssuerView, create: JwtIssuerCreate, update: JwtIssuerUpdate, filters: Filters },
    toView: (row: Row) => ({
      id: row.id,
      orgId: row.orgId,
      name: row.name,
      issuer: row.issuer,
      audiences: row.audiences,
      keySource: row.keySource as z.infer<typeof JwtIssuerView>['keySource'],
      algorithms: row.algorithms as z.infer<typeof JwtIssuerView>['algorithms'],
      claims: row.claims as z.infer<typeof JwtIssuerView>['claims'],
      clockToleranceSec: row.clockToleranceSec,
      ...stamps(row),
    }),
    ownership: (_tx, row) => ({ orgId: row.orgId, teamId: null }),
    canRead: (p, o) => o.orgId !== null && p.isOrgAdmin(o.orgId),
    canWrite: (p, o) => o.orgId !== null && p.isOrgAdmin(o.orgId),
    visibleTo: (p) => (p.isBootstrap ? undefined : inArray(jwtIssuers.orgId, [...p.orgAdminOrgIds])),
    filter: (query: z.infer<typeof Filters>) => [
      query.orgId === undefined ? undefined : eq(jwtIssuers.orgId, query.orgId),
    ],
    async prepareCreate(ctx, input) {
      if (!ctx.principal.isOrgAdmin(input.orgId))
        throw refuse(`You may not add issuers to org ${JSON.stringify(input.orgId)}.`)
      return { values: { ...input }, ownership: { orgId: input.orgId, teamId: null } }
    },
    async prepareUpdate(_ctx, row, patch) {
      const pick = <K extends keyof typeof patch & keyof typeof row>(field: K) => patched(row, patch, field)
      return {
        name: pick('name'),
        issuer: pick('issuer'),
        audiences: pick('audiences'),
        keySource: pick('keySource'),
        algorithms: pick('algorithms'),
        claims: pick('claims'),
        clockToleranceSec: pick('clockToleranceSec'),
      }
    },
  })
}
