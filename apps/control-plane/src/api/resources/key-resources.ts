import type { OpenAPIHono } from '@hono/zod-openapi'
import { ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyUpdate, BulkIds, listOf } from '@switchyard/contracts'
import { apiKeys, type Database, memberships, orgs } from '@switchyard/db'
import { HttpError, NotFoundError } from '@switchyard/http-server'
import { displayPrefix, generateApiKey, hashApiKey } from '@switchyard/secrets'
import { and, eq, inArray, or, sql } from 'drizzle-orm'
import { z } from 'zod'
import { recordAudit } from '../../audit/record-audit.ts'
import type { AdminEnv } from '../../auth/admin-auth.ts'
import type { Principal } from '../../auth/principal.ts'
import { keySecretEnvFor } from '../../export/export-names.ts'
import { idParam, type ResourceContext, type ResourceDeps, registerCrud, requestIdOf } from '../crud-resource.ts'
import { checkIfMatch, etagOf } from '../etag.ts'
import { errorResponses, jsonContent } from '../openapi-shared.ts'
import { readJson } from '../parse-request.ts'
import {
  checkModelNames,
  invalid,
  iso,
  isoOrNull,
  patched,
  projectFor,
  refuse,
  teamFor,
  userExists,
} from './lookups.ts'

type KeyRow = typeof apiKeys.$inferSelect

export interface KeyResourceDeps extends ResourceDeps {
  /** Pepper of the keyed key hashes, shared with the gateways. */
  readonly keyPepper: Buffer
}

export const toKeyView = (row: KeyRow) => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  orgId: row.orgId,
  teamId: row.teamId,
  projectId: row.projectId,
  ownerId: row.ownerId,
  environment: row.environment,
  userId: row.userId,
  tags: row.tags as Record<string, string>,
  allowedModels: row.allowedModels,
  scopes: row.scopes as ApiKey['scopes'],
  expiresAt: isoOrNull(row.expiresAt),
  status: row.status,
  version: row.version,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
})

/** Team admins manage their teams' keys; a member manages the keys they own, while still in the team. */
const canManageKey = (p: Principal, o: { orgId: string | null; teamId: string | null; ownerId?: string | null }) =>
  o.orgId !== null &&
  (p.isTeamAdmin(o.orgId, o.teamId) ||
    (o.ownerId !== undefined && o.ownerId !== null && o.ownerId === p.userId && p.isTeamMember(o.orgId, o.teamId)))

/**
 * A key never holds more than its minter: its team must be one the minter belongs to, its
 * models must be ones that team may call, and a member's key is always their own.
 */
function checkModels(
  allowed: readonly string[] | null | undefined,
  team: { name: string; allowedModels: string[] | null },
) {
  if (allowed === null || allowed === undefined || team.allowedModels === null) return
  const outside = allowed.filter((model) => !team.allowedModels?.includes(model))
  if (outside.length > 0) {
    throw refuse(`Team ${team.name} may not call ${outside.join(', ')}, so neither may a key of it.`, 'exceeds_minter')
  }
}

async function checkOwner(ctx: ResourceContext, ownerId: string, team: { id: string; orgId: string }) {
  await userExists(ctx, ownerId)
  const [role] = await ctx.tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(
      and(
        eq(memberships.userId, ownerId),
        or(eq(memberships.teamId, team.id), and(eq(memberships.orgId, team.orgId), eq(memberships.role, 'org_admin'))),
      ),
    )
  if (role === undefined) throw invalid('The owner holds no role in the key’s team.', 'ownerId')
}

const KeyFilters = z.object({
  teamId: z.string().optional(),
  projectId: z.string().optional(),
  ownerId: z.string().optional(),
  status: z.enum(['active', 'revoked', 'blocked']).optional(),
})

export function registerKeys(app: OpenAPIHono<AdminEnv>, deps: KeyResourceDeps): void {
  registerCrud(app, deps, {
    path: 'keys',
    type: 'key',
    changeKind: 'keys',
    tag: 'Keys',
    table: apiKeys,
    schemas: { view: ApiKey, created: ApiKeyCreated, create: ApiKeyCreate, update: ApiKeyUpdate, filters: KeyFilters },
    toView: toKeyView,
    ownership: (_tx, row) => ({ orgId: row.orgId, teamId: row.teamId, ownerId: row.ownerId }),
    canRead: canManageKey,
    canWrite: canManageKey,
    visibleTo: (p) => keysVisibleTo(p),
    filter: (query: z.infer<typeof KeyFilters>) => [
      query.teamId === undefined ? undefined : eq(apiKeys.teamId, query.teamId),
      query.projectId === undefined ? undefined : eq(apiKeys.projectId, query.projectId),
      query.ownerId === undefined ? undefined : eq(apiKeys.ownerId, query.ownerId),
      query.status === undefined ? undefined : eq(apiKeys.status, query.status),
    ],
    async prepareCreate(ctx, input) {
      const { principal } = ctx
      const team = await teamFor(ctx, input.teamId)
      const ownerId = input.ownerId ?? principal.userId
      if (!principal.isTeamAdmin(team.orgId, team.id)) {
        if (!principal.isTeamMember(team.orgId, team.id)) throw refuse('You may not mint keys for this team.')
        if (ownerId !== principal.userId) throw refuse('Members mint keys only for themselves.', 'exceeds_minter')
      }
      if (ownerId !== null) await checkOwner(ctx, ownerId, team)
      await checkModelNames(ctx, input.allowedModels, 'allowedModels')
      checkModels(input.allowedModels, team)
      if (input.projectId !== undefined && input.projectId !== null) {
        const project = await projectFor(ctx, input.projectId)
        if (project.teamId !== team.id) throw invalid('The project is not in the key’s team.', 'projectId')
      }
      const key = generateApiKey()
      const [org] = await ctx.tx.select({ name: orgs.name }).from(orgs).where(eq(orgs.id, team.orgId))
      return {
        values: {
          name: input.name,
          // No variable holds it; the one an export will name is recorded, so the export applies back unchanged.
          secretEnv: keySecretEnvFor(org?.name ?? '', input.name),
          keyHash: hashApiKey(deps.keyPepper, key),
          prefix: displayPrefix(key),
          orgId: team.orgId,
          teamId: team.id,
          projectId: input.projectId ?? null,
          ownerId,
          environment: input.environment ?? null,
          userId: input.userId ?? null,
          tags: input.tags,
          allowedModels: input.allowedModels ?? null,
          scopes: input.scopes ?? null,
          expiresAt: input.expiresAt === undefined || input.expiresAt === null ? null : new Date(input.expiresAt),
        },
        ownership: { orgId: team.orgId, teamId: team.id, ownerId },
        reveal: { key },
      }
    },
    async prepareUpdate(ctx, row, patch) {
      if (row.status === 'revoked') {
        throw new HttpError(409, 'invalid_request_error', 'The key is revoked; revoked keys stay revoked.', {
          code: 'key_revoked',
        })
      }
      if (
        patch.status !== undefined &&
        patch.status !== row.status &&
        !ctx.principal.isTeamAdmin(row.orgId, row.teamId)
      ) {
        throw refuse('Only team admins block or unblock keys.')
      }
      await checkModelNames(ctx, patch.allowedModels, 'allowedModels')
      if (row.teamId !== null && (patch.allowedModels !== undefined || patch.projectId)) {
        const team = await teamFor(ctx, row.teamId)
        checkModels(patch.allowedModels, team)
        if (patch.projectId) {
          const project = await projectFor(ctx, patch.projectId)
          if (project.teamId !== team.id) throw invalid('The project is not in the key’s team.', 'projectId')
        }
      }
      const pick = <K extends keyof typeof patch & keyof typeof row>(field: K) => patched(row, patch, field)
      return {
        name: pick('name'),
        projectId: pick('projectId'),
        environment: pick('environment'),
        userId: pick('userId'),
        tags: pick('tags'),
        allowedModels: pick('allowedModels'),
        scopes: pick('scopes'),
        status: pick('status'),
        expiresAt:
          patch.expiresAt === undefined ? row.expiresAt : patch.expiresAt === null ? null : new Date(patch.expiresAt),
      }
    },
  })
  registerRevoke(app, deps)
}

function keysVisibleTo(p: Principal) {
  if (p.isBootstrap) return undefined
  return or(
    inArray(apiKeys.orgId, [...p.orgAdminOrgIds]),
    inArray(apiKeys.teamId, [...p.teamAdminTeamIds]),
    and(eq(apiKeys.ownerId, p.userId ?? ''), inArray(apiKeys.teamId, [...p.memberTeamIds])),
  )
}

/** Revoking: one key, or many at once (all or none: one the caller may not revoke stops the lot). */
function registerRevoke(app: OpenAPIHono<AdminEnv>, deps: KeyResourceDeps): void {
  const document = (route: Parameters<typeof app.openAPIRegistry.registerPath>[0]) =>
    app.openAPIRegistry.registerPath({ ...route, tags: ['Keys'], security: [{ bearer: [] }] })

  async function revoke(
    tx: Database,
    principal: Principal,
    ids: readonly string[],
    requestId: string | null,
    ifMatch?: string,
  ) {
    const rows = await tx
      .select()
      .from(apiKeys)
      .where(inArray(apiKeys.id, [...ids]))
      .for('update')
    const byId = new Map(rows.map((row) => [row.id, row]))
    const missing = ids.filter((id) => {
      const row = byId.get(id)
      return row === undefined || !canManageKey(principal, row)
    })
    if (missing.length > 0)
      throw new NotFoundError(`No key with id ${missing.map((id) => JSON.stringify(id)).join(', ')}.`)
    const toRevoke = rows.filter((row) => row.status !== 'revoked')
    if (ifMatch !== undefined && rows[0] !== undefined) checkIfMatch(ifMatch, rows[0].version)
    if (toRevoke.length === 0) return rows
    const revoked = await tx
      .update(apiKeys)
      .set({ status: 'revoked', version: sql`${apiKeys.version} + 1`, updatedAt: sql`now()` })
      .where(
        inArray(
          apiKeys.id,
          toRevoke.map((row) => row.id),
        ),
      )
      .returning()
    const after = new Map(revoked.map((row) => [row.id, row]))
    await recordAudit(
      tx,
      principal.actor,
      toRevoke.map((row) => ({
        action: 'revoke',
        resourceType: 'key',
        resourceId: row.id,
        orgId: row.orgId,
        teamId: row.teamId,
        before: toKeyView(row),
        after: toKeyView(after.get(row.id) ?? row),
      })),
      requestId,
    )
    return ids.map((id) => after.get(id) ?? byId.get(id)).filter((row) => row !== undefined)
  }

  document({
    method: 'post',
    path: '/api/keys/{id}/revoke',
    summary: 'Revoke a key, for good',
    description: 'Every gateway pod refuses the key within about a second. Revoking a revoked key changes nothing.',
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: jsonContent(ApiKey, 'The revoked key'), ...errorResponses },
  })
  app.post('/api/keys/:id/revoke', async (c) => {
    const principal = c.get('principal')
    const [row] = await deps.db.transaction((tx) =>
      revoke(tx, principal, [idParam(c)], requestIdOf(c), c.req.header('if-match')),
    )
    if (row === undefined) throw new Error('revoke returned no key')
    deps.onChange('keys')
    return c.json(toKeyView(row), 200, { etag: etagOf(row.version) })
  })

  document({
    method: 'post',
    path: '/api/keys/bulk-revoke',
    summary: 'Revoke many keys at once',
    description: 'All or nothing: if any id is unknown or not yours to revoke, no key is revoked.',
    request: { body: { content: { 'application/json': { schema: BulkIds } }, required: true } },
    responses: { 200: jsonContent(listOf(ApiKey), 'The keys, revoked'), ...errorResponses },
  })
  app.post('/api/keys/bulk-revoke', async (c) => {
    const principal = c.get('principal')
    const { ids } = await readJson(c, BulkIds)
    const rows = await deps.db.transaction((tx) => revoke(tx, principal, [...new Set(ids)], requestIdOf(c)))
    deps.onChange('keys')
    const data = rows.map(toKeyView)
    return c.json({
      object: 'list' as const,
      data,
      firstId: data[0]?.id ?? null,
      lastId: data.at(-1)?.id ?? null,
      hasMore: false,
    })
  })
}
