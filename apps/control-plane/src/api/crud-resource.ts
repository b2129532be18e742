import { randomUUID } from 'node:crypto'
import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi'
import { ListQuery as ListPage, listOf } from '@switchyard/contracts'
import type { Database } from '@switchyard/db'
import { HttpError, NotFoundError } from '@switchyard/http-server'
import { and, asc, eq, gt, type SQL, sql } from 'drizzle-orm'
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core'
import { z } from 'zod'
import { changeOf } from '../apply/row-change.ts'
import { type AuditEntry, recordAudit } from '../audit/record-audit.ts'
import type { AdminEnv } from '../auth/admin-auth.ts'
import type { Principal } from '../auth/principal.ts'
import type { ChangeKind } from '../publish/snapshot-publisher.ts'
import { conflictFromDatabase } from './database-errors.ts'
import { checkIfMatch, etagOf } from './etag.ts'
import { errorResponses, jsonContent } from './openapi-shared.ts'
import { readJson, readQuery } from './parse-request.ts'

/** Whose a resource is: what the access rules look at. */
export interface Ownership {
  readonly orgId: string | null
  readonly teamId: string | null
  /** The user a key belongs to, or the user a user row is. */
  readonly ownerId?: string | null
  /** For a user: the orgs they hold roles in, and the teams. */
  readonly orgIds?: readonly string[]
  readonly teamIds?: readonly string[]
}

export interface ResourceContext {
  readonly tx: Database
  readonly principal: Principal
}

export interface BaseRow {
  readonly id: string
  readonly version: number
}

export type VersionedTable = PgTable & { id: AnyPgColumn; version: AnyPgColumn; updatedAt: AnyPgColumn }

/** What the admin API needs around every write: the database, and who to tell that state changed. */
export interface ResourceDeps {
  readonly db: Database
  /**
   * Called after a change committed; schedules a publish: a key overlay when only keys changed,
   * else a whole policy snapshot.
   */
  readonly onChange: (kind?: ChangeKind) => void
}

export interface CrudSpec<TRow extends BaseRow, TView, TCreate, TUpdate, TFilter> {
  /** URL segment under /api: `teams`. */
  readonly path: string
  /** Singular, for ids (`team_…`), messages and the audit log: `team`. */
  readonly type: string
  /** Groups the routes in the OpenAPI document. */
  readonly tag: string
  readonly table: VersionedTable
  readonly schemas: {
    readonly view: z.ZodType<TView>
    /** What a create answers with, when it shows more than the view (a new key). */
    readonly created?: z.ZodType
    readonly create: z.ZodType<TCreate>
    readonly update: z.ZodType<TUpdate>
    /** Extra list filters, merged with the page parameters. */
    readonly filters: z.ZodObject
  }
  toView(row: TRow): TView
  ownership(tx: Database, row: TRow): Ownership | Promise<Ownership>
  canRead(principal: Principal, ownership: Ownership): boolean
  canWrite(principal: Principal, ownership: Ownership): boolean
  /** Limits lists to what the principal may read; undefined: no limit. */
  visibleTo(principal: Principal): SQL | undefined
  filter(query: TFilter): Array<SQL | undefined>
  /**
   * Checks a create (references exist and are visible, the caller does not grant more than they
   * hold) and returns the new row's columns and whose it will be.
   */
  prepareCreate(
    ctx: ResourceContext,
    input: TCreate,
  ): Promise<{
    values: Record<string, unknown>
    ownership: Ownership
    /** Shown once in the 201 answer and never stored in the clear (a new key). */
    reveal?: Record<string, unknown>
  }>
  /** Checks an update the same way and returns the columns to write (unchanged ones are fine). */
  prepareUpdate(ctx: ResourceContext, row: TRow, patch: TUpdate): Promise<Record<string, unknown>>
  /** Writes what belongs to a new row in the same transaction (a model's first deployments). */
  afterCreate?(ctx: ResourceContext, row: TRow, input: TCreate): Promise<void>
  /** Refuses a delete the database would allow but we should not (e.g. the last org admin). */
  checkDelete?(ctx: ResourceContext, row: TRow): Promise<void>
  /** Resources without changeable fields (memberships) leave PATCH out. */
  readonly isUpdatable?: boolean
  /** What its creates and updates change in the snapshot (default `policy`); deletes always publish a policy. */
  readonly changeKind?: ChangeKind
}

const IdParam = z.object({ id: z.string().min(1).max(128) })

const forbidden = (message: string) => new HttpError(403, 'permission_error', message, { code: 'forbidden' })

/** Registers list, get, create, update and delete for one resource, documented and access-checked. */
export function registerCrud<TRow extends BaseRow, TView, TCreate, TUpdate, TFilter>(
  app: OpenAPIHono<AdminEnv>,
  deps: ResourceDeps,
  spec: CrudSpec<TRow, TView, TCreate, TUpdate, TFilter>,
): void {
  const { table, schemas } = spec
  const listQuery = z.object({ ...ListPage.shape, ...schemas.filters.shape })
  const collection = `/api/${spec.path}`
  const item = `${collection}/:id`
  const documentedItem = `${collection}/{id}`
  const document = (route: Omit<RouteConfig, 'tags' | 'security'>) =>
    app.openAPIRegistry.registerPath({ ...route, tags: [spec.tag], security: [{ bearer: [] }] } as RouteConfig)
  const noun = spec.type.replaceAll('_', ' ')

  async function findRow(
    tx: Database,
    principal: Principal,
    id: string,
    lock: boolean,
  ): Promise<{ row: TRow; ownership: Ownership }> {
    const query = tx.select().from(table).where(eq(table.id, id))
    const [row] = (lock ? await query.for('update') : await query) as TRow[]
    if (row === undefined) throw new NotFoundError(`No ${noun} with id ${JSON.stringify(id)}.`)
    const ownership = await spec.ownership(tx, row)
    if (!spec.canRead(principal, ownership)) throw new NotFoundError(`No ${noun} with id ${JSON.stringify(id)}.`)
    return { row, ownership }
  }

  const audit = (
    action: string,
    row: TRow,
    ownership: Ownership,
    before: TView | null,
    after: TView | null,
  ): AuditEntry => ({
    action,
    resourceType: spec.type,
    resourceId: row.id,
    orgId: ownership.orgId,
    teamId: ownership.teamId,
    before,
    after,
  })

  document({
    method: 'get',
    path: collection,
    summary: `List ${noun}s you may see`,
    request: { query: listQuery },
    responses: { 200: jsonContent(listOf(schemas.view), 'One page, oldest id first'), ...errorResponses },
  })
  app.get(collection, async (c) => {
    const principal = c.get('principal')
    const query = readQuery(c, listQuery) as z.infer<typeof ListPage> & TFilter
    const rows = (await deps.db
      .select()
      .from(table)
      .where(
        and(
          spec.visibleTo(principal),
          ...spec.filter(query),
          query.after === undefined ? undefined : gt(table.id, query.after),
        ),
      )
      .orderBy(asc(table.id))
      .limit(query.limit + 1)) as TRow[]
    return c.json(listPage(rows.slice(0, query.limit).map(spec.toView), rows.length > query.limit, rows))
  })

  document({
    method: 'get',
    path: documentedItem,
    summary: `Read one ${noun}`,
    request: { params: IdParam },
    responses: { 200: jsonContent(schemas.view, `The ${noun}; its ETag is its version`), ...errorResponses },
  })
  app.get(item, async (c) => {
    const { row } = await findRow(deps.db, c.get('principal'), idParam(c), false)
    return c.json(spec.toView(row) as object, 200, { etag: etagOf(row.version) })
  })

  document({
    method: 'post',
    path: collection,
    summary: `Create a ${noun}`,
    request: { body: { content: { 'application/json': { schema: schemas.create } }, required: true } },
    responses: { 201: jsonContent(schemas.created ?? schemas.view, `The new ${noun}`), ...errorResponses },
  })
  app.post(collection, async (c) => {
    const principal = c.get('principal')
    const input = await readJson(c, schemas.create)
    const { row: created, reveal } = await write(`A ${noun}`, async (tx) => {
      const { values, ownership, reveal } = await spec.prepareCreate({ tx, principal }, input)
      if (!spec.canWrite(principal, ownership)) throw forbidden(`You may not create this ${noun}.`)
      const [row] = (await tx
        .insert(table)
        .values({ id: newId(spec.type), ...values } as never)
        .returning()) as unknown as TRow[]
      if (row === undefined) throw new Error(`insert into ${spec.path} returned no row`)
      await spec.afterCreate?.({ tx, principal }, row, input)
      await recordAudit(tx, principal.actor, [audit('create', row, ownership, null, spec.toView(row))], requestIdOf(c))
      return { row, reveal }
    })
    deps.onChange(spec.changeKind)
    return c.json({ ...(spec.toView(created) as object), ...reveal }, 201, {
      etag: etagOf(created.version),
      location: `${collection}/${created.id}`,
    })
  })

  if (spec.isUpdatable !== false) registerUpdate()

  function registerUpdate() {
    document({
      method: 'patch',
      path: documentedItem,
      summary: `Change a ${noun}`,
      description: 'Send `If-Match` with the version you read to refuse the write if someone changed it since.',
      request: {
        params: IdParam,
        body: { content: { 'application/json': { schema: schemas.update } }, required: true },
      },
      responses: { 200: jsonContent(schemas.view, `The ${noun} after the change`), ...errorResponses },
    })
    app.patch(item, async (c) => {
      const principal = c.get('principal')
      const patch = await readJson(c, schemas.update)
      const { row, changed } = await write(`The ${noun}`, async (tx) => {
        const { row: current, ownership } = await findRow(tx, principal, idParam(c), true)
        if (!spec.canWrite(principal, ownership)) throw forbidden(`You may not change this ${noun}.`)
        checkIfMatch(c.req.header('if-match'), current.version)
        const values = await spec.prepareUpdate({ tx, principal }, current, patch)
        if (changeOf(current as unknown as Record<string, unknown>, values) === 'unchanged')
          return { row: current, changed: false }
        const [updated] = (await tx
          .update(table)
          .set({ ...values, version: sql`${table.version} + 1`, updatedAt: sql`now()` } as never)
          .where(eq(table.id, current.id))
          .returning()) as unknown as TRow[]
        if (updated === undefined) throw new Error(`update of ${spec.path} returned no row`)
        const after = await spec.ownership(tx, updated)
        if (!spec.canWrite(principal, after)) throw forbidden(`You may not move this ${noun} out of your reach.`)
        const entry = audit('update', updated, after, spec.toView(current), spec.toView(updated))
        await recordAudit(tx, principal.actor, [entry], requestIdOf(c))
        return { row: updated, changed: true }
      })
      if (changed) deps.onChange(spec.changeKind)
      return c.json(spec.toView(row) as object, 200, { etag: etagOf(row.version) })
    })
  }

  document({
    method: 'delete',
    path: documentedItem,
    summary: `Delete a ${noun}`,
    request: { params: IdParam },
    responses: { 204: { description: 'Deleted' }, ...errorResponses },
  })
  app.delete(item, async (c) => {
    const principal = c.get('principal')
    await write(`The ${noun}`, async (tx) => {
      const { row: current, ownership } = await findRow(tx, principal, idParam(c), true)
      if (!spec.canWrite(principal, ownership)) throw forbidden(`You may not delete this ${noun}.`)
      checkIfMatch(c.req.header('if-match'), current.version)
      await spec.checkDelete?.({ tx, principal }, current)
      await tx.delete(table).where(eq(table.id, current.id))
      await recordAudit(
        tx,
        principal.actor,
        [audit('delete', current, ownership, spec.toView(current), null)],
        requestIdOf(c),
      )
    })
    deps.onChange()
    return c.body(null, 204)
  })

  /** Runs a write in a transaction, turning constraint violations into 409s. */
  async function write<T>(what: string, run: (tx: Database) => Promise<T>): Promise<T> {
    try {
      return await deps.db.transaction(run)
    } catch (error) {
      throw conflictFromDatabase(error, what)
    }
  }
}

/** One page in the list envelope. */
export function listPage<T>(data: T[], hasMore: boolean, rows: ReadonlyArray<{ id: string | number }>) {
  const ids = rows.slice(0, data.length).map((row) => String(row.id))
  return { object: 'list' as const, data, firstId: ids[0] ?? null, lastId: ids.at(-1) ?? null, hasMore }
}

export function newId(type: string): string {
  return `${type}_${randomUUID()}`
}

export function requestIdOf(c: { req: { header(name: string): string | undefined } }): string | null {
  return c.req.header('x-request-id') ?? null
}

/** The `{id}` path parameter of an item route. */
export function idParam(c: { req: { param(name: string): string | undefined } }): string {
  const id = c.req.param('id')
  if (id === undefined) throw new Error('route has no {id} parameter')
  return id
}
