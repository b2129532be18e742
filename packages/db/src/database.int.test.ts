import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type PostgresServerHandle, startPostgresServer } from '@switchyard/test-services'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DatabaseHandle, openPglite, openPostgres } from './database.ts'
import {
  apiKeys,
  auditLog,
  deployments,
  memberships,
  models,
  orgs,
  providers,
  routes,
  snapshotRevisions,
  teams,
  users,
} from './schema/index.ts'

/** The same cases against both drivers: the embedded mode must behave like the real server. */
function runDatabaseSuite(name: string, open: () => Promise<DatabaseHandle>) {
  describe(name, () => {
    let handle: DatabaseHandle
    beforeAll(async () => {
      handle = await open()
      await handle.migrate()
    })
    afterAll(async () => {
      await handle.close()
    })

    it('migrates idempotently and answers a ping', async () => {
      await handle.migrate()
      await expect(handle.ping()).resolves.toBeUndefined()
    })

    it('enforces the tenancy constraints', async () => {
      await handle.db.insert(orgs).values({ id: 'org_1', name: 'acme' })
      await handle.db.insert(teams).values({ id: 'team_1', orgId: 'org_1', name: 'search', allowedModels: ['gpt-4o'] })
      const [team] = await handle.db.select().from(teams).where(eq(teams.id, 'team_1'))
      expect(team?.allowedModels).toEqual(['gpt-4o'])
      await expect(handle.db.insert(teams).values({ id: 'team_2', orgId: 'org_1', name: 'search' })).rejects.toThrow()
      await expect(handle.db.insert(teams).values({ id: 'team_3', orgId: 'missing', name: 'x' })).rejects.toThrow()
    })

    it('enforces the catalog and key constraints', async () => {
      const db = handle.db
      await db.insert(orgs).values({ id: 'org_c', name: 'catalog' })
      await db.insert(providers).values({ id: 'prov_1', name: 'local', type: 'openai-compatible', target: {} })
      await db.insert(routes).values({ id: 'route_1', name: 'default', policy: { strategy: 'weighted' } })
      await db.insert(models).values({ id: 'model_1', name: 'gpt-4o-mini', routeId: 'route_1' })
      const deployment = { modelId: 'model_1', providerId: 'prov_1', upstreamModel: 'm', weight: 1, prices: {} }
      await db.insert(deployments).values({ id: 'dep_1', ...deployment, position: 0 })
      await expect(db.insert(deployments).values({ id: 'dep_2', ...deployment, position: 1 })).rejects.toThrow()
      await expect(db.delete(providers).where(eq(providers.id, 'prov_1'))).rejects.toThrow()
      await expect(db.delete(routes).where(eq(routes.id, 'route_1'))).rejects.toThrow()
      await db.delete(models).where(eq(models.id, 'model_1'))
      expect(await db.select().from(deployments)).toEqual([])
      expect((await db.select().from(routes))[0]?.fallbackModelIds).toEqual([])

      const key = { orgId: 'org_c', keyHash: 'a'.repeat(64), prefix: 'sk-sy-abcdef' }
      await db.insert(apiKeys).values({ id: 'key_1', name: 'ci', ...key })
      const [stored] = await db.select().from(apiKeys)
      expect(stored).toMatchObject({ status: 'active', tags: {}, allowedModels: null, teamId: null })
      await expect(db.insert(apiKeys).values({ id: 'key_2', name: 'other', ...key })).rejects.toThrow()
      await expect(
        db.insert(apiKeys).values({ id: 'key_3', name: 'ci', ...key, keyHash: 'b'.repeat(64) }),
      ).rejects.toThrow()
      await expect(db.execute(sql`update api_keys set status = 'lost' where id = 'key_1'`)).rejects.toThrow()
    })

    it('keeps org roles and team roles apart, and each role once', async () => {
      const db = handle.db
      await db.insert(orgs).values({ id: 'org_r', name: 'roles' })
      await db.insert(teams).values({ id: 'team_r', orgId: 'org_r', name: 'red' })
      await db.insert(users).values({ id: 'user_r', subject: 'idp|ada' })
      const member = { userId: 'user_r', orgId: 'org_r' }
      await db.insert(memberships).values({ id: 'm_1', ...member, role: 'org_admin' })
      await db.insert(memberships).values({ id: 'm_2', ...member, teamId: 'team_r', role: 'member' })
      // The same org role twice (team null both times) is one role, not two rows.
      await expect(db.insert(memberships).values({ id: 'm_3', ...member, role: 'org_admin' })).rejects.toThrow()
      await expect(
        db.insert(memberships).values({ id: 'm_4', ...member, teamId: 'team_r', role: 'org_admin' }),
      ).rejects.toThrow()
      await expect(db.insert(memberships).values({ id: 'm_5', ...member, role: 'team_admin' })).rejects.toThrow()
      await expect(db.execute(sql`update memberships set role = 'owner' where id = 'm_1'`)).rejects.toThrow()
      await db.delete(users).where(eq(users.id, 'user_r'))
      expect(await db.select().from(memberships).where(eq(memberships.orgId, 'org_r'))).toEqual([])
    })

    it('keeps the audit log append-only', async () => {
      const db = handle.db
      const entry = { actorKind: 'system' as const, actorName: 'test', action: 'create', resourceType: 'org' }
      await db.insert(auditLog).values({ ...entry, resourceId: 'org_a' })
      // drizzle wraps the server's error; the trigger's message is its cause.
      const refused = { cause: { message: expect.stringMatching(/audit_log is append-only/) } }
      await expect(db.update(auditLog).set({ actorName: 'someone else' })).rejects.toMatchObject(refused)
      await expect(db.delete(auditLog)).rejects.toMatchObject(refused)
      await expect(db.execute(sql`truncate audit_log`)).rejects.toMatchObject(refused)
      expect(await db.select({ actorName: auditLog.actorName }).from(auditLog)).toEqual([{ actorName: 'test' }])
    })

    it('hands out snapshot revisions that only grow', async () => {
      const rows = await handle.db
        .insert(snapshotRevisions)
        .values([
          { checksum: 'a', sizeBytes: 1 },
          { checksum: 'b', sizeBytes: 2 },
        ])
        .returning({ revision: snapshotRevisions.revision })
      const [first, second] = rows.map((row) => row.revision)
      expect(typeof first).toBe('number')
      expect(second).toBeGreaterThan(first ?? Number.POSITIVE_INFINITY)
    })
  })
}

let server: PostgresServerHandle
const pgliteDir = mkdtempSync(join(tmpdir(), 'sy-pglite-'))

beforeAll(async () => {
  server = await startPostgresServer()
})
afterAll(async () => {
  await server.dispose()
  rmSync(pgliteDir, { recursive: true, force: true })
})

runDatabaseSuite('PostgreSQL server', async () => openPostgres({ url: await server.createDatabase('db_suite') }))
runDatabaseSuite('PGlite on disk', () => openPglite(join(pgliteDir, 'suite')))

describe('PostgreSQL server connections', () => {
  it('survives an idle pooled connection being killed: it is reported, and the next query reconnects', async () => {
    const url = await server.createDatabase('idle_errors')
    const errors: Error[] = []
    const handle = openPostgres({ url, maxConnections: 1, onIdleConnectionError: (error) => errors.push(error) })
    await handle.ping()
    const admin = openPostgres({ url })
    await admin.db.execute(
      sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = 'idle_errors' and pid <> pg_backend_pid()`,
    )
    for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(errors[0]?.message).toMatch(/terminat/)
    await expect(handle.ping()).resolves.toBeUndefined()
    await Promise.all([handle.close(), admin.close()])
  })
})

describe('PGlite on disk', () => {
  it('keeps its data across a clean close and reopen', async () => {
    const dir = join(pgliteDir, 'reopen')
    const first = await openPglite(dir)
    await first.migrate()
    await first.db.insert(orgs).values({ id: 'org_keep', name: 'kept' })
    await first.close()
    const second = await openPglite(dir)
    await second.migrate()
    const rows = await second.db.select().from(orgs)
    expect(rows.map((row) => row.name)).toEqual(['kept'])
    await second.close()
  })
})
