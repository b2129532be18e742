import { randomBytes } from 'node:crypto'
import { ConfigFile, KeyOverlay, PolicySnapshot } from '@switchyard/contracts'
import { apiKeys, type DatabaseHandle, openPostgres, orgs } from '@switchyard/db'
import { parseKeyring } from '@switchyard/secrets'
import { type PostgresServerHandle, startPostgresServer } from '@switchyard/test-services'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyConfig } from '../apply/apply-config.ts'
import { publishKeyOverlay, publishSnapshot } from './publish-snapshot.ts'

// This config needs no secret: its one provider takes none.
const secrets = {
  keyring: parseKeyring(`test-1:${randomBytes(32).toString('base64')}`),
  keyPepper: randomBytes(32),
  env: {},
}

const config = ConfigFile.parse({
  version: 1,
  providers: [{ name: 'local', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:4010/v1' }],
  models: [{ name: 'gpt-4o-mini', deployments: [{ provider: 'local', model: 'gpt-4o-mini' }] }],
  orgs: [{ name: 'acme' }],
  teams: [
    { name: 'search', org: 'acme', allowedModels: ['gpt-4o-mini'] },
    { name: 'support', org: 'acme' },
  ],
  projects: [{ name: 'ranking', team: 'search' }],
})

describe('snapshot publishing on PostgreSQL', () => {
  let server: PostgresServerHandle
  let database: DatabaseHandle
  let databaseUrl: string
  const published: Array<{ revision: number; body: Uint8Array; channel?: string }> = []
  const sink = {
    publishSnapshot: async (snapshot: { revision: number; body: Uint8Array; channel?: string }) => {
      published.push(snapshot)
    },
  }

  beforeAll(async () => {
    server = await startPostgresServer()
    databaseUrl = await server.createDatabase('control_plane')
    database = openPostgres({ url: databaseUrl })
    await database.migrate()
  })
  afterAll(async () => {
    await database?.close()
    await server?.dispose()
  })

  it('applies a config file idempotently', async () => {
    await applyConfig(database.db, config, secrets)
    const first = await publishSnapshot(database.db, sink, () => new Date('2026-11-01T00:00:00Z'))
    await applyConfig(database.db, config, secrets)
    const second = await publishSnapshot(database.db, sink, () => new Date('2026-11-01T00:00:00Z'))
    const [before, after] = published
      .slice(0, 2)
      .map((message) => PolicySnapshot.parse(JSON.parse(new TextDecoder().decode(message.body))))
    expect(after?.teams).toEqual(before?.teams)
    expect(after?.models).toEqual(before?.models)
    expect(second.revision).toBeGreaterThan(first.revision)
  })

  it('publishes a snapshot that parses, with the tenancy and a growing revision', async () => {
    const result = await publishSnapshot(database.db, sink, () => new Date('2026-11-02T00:00:00Z'))
    const message = published.at(-1)
    expect(message?.revision).toBe(result.revision)
    const snapshot = PolicySnapshot.parse(JSON.parse(new TextDecoder().decode(message?.body)))
    expect(snapshot.revision).toBe(result.revision)
    expect(snapshot.generatedAt).toBe('2026-11-02T00:00:00.000Z')
    expect(snapshot.orgs.map((org) => org.name)).toEqual(['acme'])
    expect(snapshot.teams.map((team) => [team.name, team.allowedModels]).sort()).toEqual([
      ['search', ['gpt-4o-mini']],
      ['support', null],
    ])
    const search = snapshot.teams.find((team) => team.name === 'search')
    expect(snapshot.projects).toEqual([{ id: expect.any(String), teamId: search?.id, name: 'ranking' }])
    expect(result.sizeBytes).toBe(message?.body.byteLength)
  })

  it('publishes as a key overlay exactly the keys the last policy snapshot could not see, even a write that began before it', async () => {
    const now = () => new Date('2026-11-03T00:00:00Z')
    const [org] = await database.db.select().from(orgs)
    const key = (id: string, hash: string) => ({
      id,
      name: id,
      keyHash: hash,
      prefix: 'sk-sy-test',
      orgId: org?.id ?? '',
    })
    await database.db.insert(apiKeys).values([key('key_1', 'a'.repeat(64)), key('key_2', 'b'.repeat(64))])
    const base = await publishSnapshot(database.db, sink, now)
    expect(await publishKeyOverlay(database.db, sink, now, 100)).toEqual({ kind: 'empty', baseRevision: base.revision })

    // A revocation whose transaction starts before the next policy snapshot is read and commits after it.
    const other = openPostgres({ url: databaseUrl })
    const updated = Promise.withResolvers<void>()
    const release = Promise.withResolvers<void>()
    const writer = other.db.transaction(async (tx) => {
      await tx.update(apiKeys).set({ status: 'revoked' }).where(eq(apiKeys.id, 'key_1'))
      updated.resolve()
      await release.promise
    })
    await updated.promise
    const next = await publishSnapshot(database.db, sink, now)
    const nextBody = PolicySnapshot.parse(JSON.parse(new TextDecoder().decode(published.at(-1)?.body)))
    expect(nextBody.keys.find((k) => k.id === 'key_1')?.status).toBe('active')
    release.resolve()
    await writer
    await other.close()

    const outcome = await publishKeyOverlay(database.db, sink, now, 100)
    expect(outcome).toMatchObject({ kind: 'published', overlay: { baseRevision: next.revision, keyCount: 1 } })
    const message = published.at(-1)
    expect(message?.channel).toBe('keys')
    const overlay = KeyOverlay.parse(JSON.parse(new TextDecoder().decode(message?.body)))
    expect(overlay.keys.map((k) => [k.id, k.status])).toEqual([['key_1', 'revoked']])
    expect(overlay.revision).toBeGreaterThan(next.revision)

    // Cumulative: a later change adds to it; past the size limit a whole snapshot is asked for.
    await database.db.update(apiKeys).set({ status: 'blocked' }).where(eq(apiKeys.id, 'key_2'))
    const second = await publishKeyOverlay(database.db, sink, now, 100)
    expect(second).toMatchObject({ kind: 'published', overlay: { keyCount: 2 } })
    expect(await publishKeyOverlay(database.db, sink, now, 1)).toMatchObject({ kind: 'needs-policy' })
    await publishSnapshot(database.db, sink, now)
    expect(await publishKeyOverlay(database.db, sink, now, 1)).toMatchObject({ kind: 'empty' })
  })
})
