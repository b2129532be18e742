import type { OpenAPIHono } from '@hono/zod-openapi'
import { AuditEntryView, listOf } from '@switchyard/contracts'
import { auditLog } from '@switchyard/db'
import { and, desc, eq, inArray, isNull, lt, or, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import type { AdminEnv } from '../../auth/admin-auth.ts'
import type { Principal } from '../../auth/principal.ts'
import type { ResourceDeps } from '../crud-resource.ts'
import { errorResponses, jsonContent } from '../openapi-shared.ts'
import { readQuery } from '../parse-request.ts'
import { iso } from './lookups.ts'

const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe('Entries older than this id: the previous page’s lastId'),
  resourceType: z.string().optional(),
  resourceId: z.string().optional(),
  actorId: z.string().optional(),
  orgId: z.string().optional(),
  teamId: z.string().optional(),
})

/** Org admins read their org's entries (and the shared catalog's); team admins their teams'. */
function visibleTo(p: Principal): SQL | undefined {
  if (p.isBootstrap) return undefined
  return or(
    inArray(auditLog.orgId, [...p.orgAdminOrgIds]),
    inArray(auditLog.teamId, [...p.teamAdminTeamIds]),
    p.isCatalogAdmin ? isNull(auditLog.orgId) : undefined,
  )
}

/** `GET /api/audit-log`: newest first, read-only; nothing in the API changes or removes an entry. */
export function registerAuditLog(app: OpenAPIHono<AdminEnv>, deps: ResourceDeps): void {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/audit-log',
    tags: ['Audit'],
    security: [{ bearer: [] }],
    summary: 'Read the audit log, newest first',
    request: { query: AuditQuery },
    responses: { 200: jsonContent(listOf(AuditEntryView), 'One page of entries'), ...errorResponses },
  })
  app.get('/api/audit-log', async (c) => {
    const query = readQuery(c, AuditQuery)
    const rows = await deps.db
      .select()
      .from(auditLog)
      .where(
        and(
          visibleTo(c.get('principal')),
          query.before === undefined ? undefined : lt(auditLog.id, query.before),
          query.resourceType === undefined ? undefined : eq(auditLog.resourceType, query.resourceType),
          query.resourceId === undefined ? undefined : eq(auditLog.resourceId, query.resourceId),
          query.actorId === undefined ? undefined : eq(auditLog.actorId, query.actorId),
          query.orgId === undefined ? undefined : eq(auditLog.orgId, query.orgId),
          query.teamId === undefined ? undefined : eq(auditLog.teamId, query.teamId),
        ),
      )
      .orderBy(desc(auditLog.id))
      .limit(query.limit + 1)
    const page = rows.slice(0, query.limit)
    return c.json({
      object: 'list' as const,
      data: page.map((row) => ({ ...row, at: iso(row.at) })),
      firstId: page[0] === undefined ? null : String(page[0].id),
      lastId: page.at(-1) === undefined ? null : String(page.at(-1)?.id),
      hasMore: rows.length > query.limit,
    })
  })
}
