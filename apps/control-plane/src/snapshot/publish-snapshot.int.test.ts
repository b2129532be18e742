import { randomBytes } from 'node:crypto'
import { ConfigFile, PolicySnapshot } from '@switchyard/contracts'
import { type DatabaseHandle, openPostgres } from '@switchyard/db'
import { parseKeyring } from '@switchyard/secrets'
import { type PostgresServerHandle, startPostgresServer } from '@switchyard/test-services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyConfig } from '../apply/apply-config.ts'
import { publishSnapshot } from './publish-snapshot.ts'

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
  const published: Array<{ revision: number; body: Uint8Array }> = []
  const sink = {
    publishSnapshot: async (snapshot: { revision: number; body: Uint8Array }) => {
      published.push(snapshot)
    },
  }

  beforeAll(async () => {
    server = await startPostgresServer()
    database = openPostgres({ url: await server.createDatabase('control_plane') })
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
    const [before, after] = published.map((message) =>
      PolicySnapshot.parse(JSON.parse(new TextDecoder().decode(message.body))),
    )
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
})
