import { randomBytes } from 'node:crypto'
import { ConfigError, formatConfigChanges } from '@switchyard/config'
import { ConfigFile, type ConfigFileInput, PolicySnapshot, ProviderCredentials } from '@switchyard/contracts'
import { apiKeys, type DatabaseHandle, deployments, openPostgres } from '@switchyard/db'
import { createLogger } from '@switchyard/http-server'
import { DecryptionError, decryptJson, displayPrefix, hashApiKey, parseKeyring } from '@switchyard/secrets'
import { type PostgresServerHandle, startPostgresServer } from '@switchyard/test-services'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { publishSnapshot } from '../snapshot/publish-snapshot.ts'
import { startControlPlane } from '../start-control-plane.ts'
import { type ApplySecrets, applyConfig } from './apply-config.ts'

const OPENAI_KEY = 'sk-openai-test-4f9c2a71d0b84e6b'
const SEARCH_KEY = 'sk-sy-search-7d1e0c9b5a3f4e2d8c6b'
const keyring = parseKeyring(`test-1:${randomBytes(32).toString('base64')}`)
const keyPepper = randomBytes(32)
const secrets = (env: Record<string, string | undefined>): ApplySecrets => ({ keyring, keyPepper, env })
const ENV = { TEST_OPENAI_KEY: OPENAI_KEY, TEST_SEARCH_KEY: SEARCH_KEY }

const BASE: ConfigFileInput = {
  version: 1,
  providers: [
    {
      name: 'openai-main',
      type: 'openai',
      baseUrl: 'http://127.0.0.1:4010/openai/v1',
      organization: 'org-acme',
      apiKey: { env: 'TEST_OPENAI_KEY' },
    },
    { name: 'local', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:4010/v1' },
  ],
  models: [
    {
      name: 'gpt-4o-mini',
      route: 'default',
      deployments: [
        {
          provider: 'openai-main',
          model: 'gpt-4o-mini',
          weight: 3,
          prices: { inputMicroUsdPerMTok: 150_000, outputMicroUsdPerMTok: 600_000 },
        },
        { provider: 'local', model: 'llama-3.1-8b', weight: 1, limits: { requestsPerMinute: 60 } },
      ],
    },
    { name: 'small', deployments: [{ provider: 'local', model: 'qwen-2.5-0.5b' }] },
  ],
  routes: [
    {
      name: 'default',
      strategy: 'weighted',
      retries: { maxAttempts: 3 },
      fallbackOn: [429, '5xx'],
      fallbacks: ['small'],
    },
  ],
  orgs: [{ name: 'acme' }],
  teams: [
    { name: 'search', org: 'acme', allowedModels: ['gpt-4o-mini', 'small'] },
    { name: 'support', org: 'acme' },
  ],
  projects: [{ name: 'ranking', team: 'search' }],
  keys: [
    {
      name: 'search-ci',
      secret: { env: 'TEST_SEARCH_KEY' },
      team: 'search',
      project: 'ranking',
      environment: 'ci',
      user: 'ci-bot',
      tags: { costCenter: 'search' },
      allowedModels: ['gpt-4o-mini'],
      expiresAt: '2027-01-31T00:00:00Z',
    },
    { name: 'not-yet', secret: { env: 'TEST_UNSET_KEY' }, team: 'support' },
  ],
}
const config = ConfigFile.parse(BASE)

const Rows = z.object({ rows: z.array(z.record(z.string(), z.unknown())) })

describe('applying a config file to PostgreSQL', () => {
  let server: PostgresServerHandle
  let database: DatabaseHandle
  let databaseCount = 0
  const published: Uint8Array[] = []
  const sink = { publishSnapshot: async ({ body }: { body: Uint8Array }) => published.push(body) }
  const publish = async () => {
    await publishSnapshot(database.db, sink, () => new Date('2026-11-01T00:00:00Z'))
    return PolicySnapshot.parse(JSON.parse(new TextDecoder().decode(published.at(-1))))
  }

  /** Every row of every table, as JSON: where a plaintext secret must never appear. */
  const dumpTables = async (except: readonly string[] = []) => {
    const tables = Rows.parse(
      await database.db.execute(
        sql`select table_schema, table_name from information_schema.tables
            where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
            order by table_schema, table_name`,
      ),
    ).rows.map((row) => z.object({ table_schema: z.string(), table_name: z.string() }).parse(row))
    const dump: Record<string, unknown[]> = {}
    for (const { table_schema, table_name } of tables) {
      if (except.includes(table_name)) continue
      const { rows } = Rows.parse(
        await database.db.execute(
          sql`select * from ${sql.identifier(table_schema)}.${sql.identifier(table_name)} order by 1`,
        ),
      )
      dump[`${table_schema}.${table_name}`] = rows
    }
    return dump
  }

  beforeAll(async () => {
    server = await startPostgresServer()
  })
  beforeEach(async () => {
    await database?.close()
    databaseCount += 1
    database = openPostgres({ url: await server.createDatabase(`apply_${databaseCount}`) })
    await database.migrate()
  })
  afterAll(async () => {
    await database?.close()
    await server?.dispose()
  })

  it('carries providers, models, routes and keys into a snapshot, with secrets only encrypted or hashed', async () => {
    const result = await applyConfig(database.db, config, secrets(ENV))
    expect(result.dryRun).toBe(false)
    expect(formatConfigChanges(result.changes).split('\n')).toEqual([
      '+ org acme',
      '+ team acme/search',
      '+ team acme/support',
      '+ project acme/search/ranking',
      '+ provider openai-main',
      '+ provider local',
      '+ route default',
      '+ model gpt-4o-mini',
      '+ model small',
      '+ key acme/search-ci',
    ])
    expect(result.warnings).toEqual([
      { path: 'keys[1].secret', message: 'key not-yet skipped: environment variable TEST_UNSET_KEY is not set' },
    ])
    const snapshot = await publish()

    const [local, openai] = ['local', 'openai-main'].map((name) => snapshot.providers.find((p) => p.name === name))
    expect(openai?.target).toEqual({
      type: 'openai',
      baseUrl: 'http://127.0.0.1:4010/openai/v1',
      organization: 'org-acme',
    })
    expect(local).toEqual({
      id: expect.any(String),
      name: 'local',
      target: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:4010/v1' },
      credentials: null,
    })
    if (!openai?.credentials || !local) throw new Error('providers missing from the snapshot')
    expect(ProviderCredentials.parse(decryptJson(keyring, openai.credentials, openai.id))).toEqual({
      type: 'openai',
      apiKey: OPENAI_KEY,
    })
    // Bound to its provider: the same envelope does not open as another provider's.
    expect(() => decryptJson(keyring, openai.credentials ?? never(), local.id)).toThrow(DecryptionError)

    const route = snapshot.routes[0]
    const [gpt, small] = ['gpt-4o-mini', 'small'].map((name) => snapshot.models.find((m) => m.name === name))
    expect(route).toEqual({
      id: expect.any(String),
      name: 'default',
      strategy: 'weighted',
      retries: { maxAttempts: 3, initialBackoffMs: 200, maxBackoffMs: 2_000 },
      timeouts: { connectMs: 5_000, firstByteMs: 60_000, idleMs: 30_000, totalMs: 600_000 },
      fallbackOn: ['429', '5xx'],
      fallbackModelIds: [small?.id],
    })
    expect(gpt).toEqual({
      id: expect.any(String),
      name: 'gpt-4o-mini',
      routeId: route?.id,
      deployments: [
        {
          id: expect.any(String),
          providerId: openai.id,
          upstreamModel: 'gpt-4o-mini',
          weight: 3,
          prices: { inputMicroUsdPerMTok: 150_000, outputMicroUsdPerMTok: 600_000 },
          limits: null,
        },
        {
          id: expect.any(String),
          providerId: local.id,
          upstreamModel: 'llama-3.1-8b',
          weight: 1,
          prices: { inputMicroUsdPerMTok: 0, outputMicroUsdPerMTok: 0 },
          limits: { requestsPerMinute: 60 },
        },
      ],
    })
    expect(small).toMatchObject({ routeId: null, deployments: [{ upstreamModel: 'qwen-2.5-0.5b', weight: 1 }] })

    const search = snapshot.teams.find((team) => team.name === 'search')
    expect(snapshot.keys).toEqual([
      {
        id: expect.any(String),
        name: 'search-ci',
        hash: hashApiKey(keyPepper, SEARCH_KEY),
        prefix: displayPrefix(SEARCH_KEY),
        orgId: snapshot.orgs[0]?.id,
        teamId: search?.id,
        projectId: snapshot.projects[0]?.id,
        environment: 'ci',
        userId: 'ci-bot',
        tags: { costCenter: 'search' },
        allowedModels: ['gpt-4o-mini'],
        scopes: null,
        expiresAt: '2027-01-31T00:00:00.000Z',
        status: 'active',
      },
    ])

    const snapshotJson = new TextDecoder().decode(published.at(-1))
    const rowsJson = JSON.stringify(await dumpTables())
    for (const plaintext of [OPENAI_KEY, SEARCH_KEY]) {
      expect(snapshotJson).not.toContain(plaintext)
      expect(rowsJson).not.toContain(plaintext)
    }
    expect(rowsJson).toContain(hashApiKey(keyPepper, SEARCH_KEY))
  })

  it('is idempotent: applying the same file again changes no row, id, hash or snapshot content', async () => {
    await applyConfig(database.db, config, secrets(ENV))
    const rowsBefore = await dumpTables(['snapshot_revisions'])
    const { revision: revisionBefore, generatedAt: _a, ...before } = await publish()
    const again = await applyConfig(database.db, config, secrets(ENV))
    expect(again.changes).toEqual([])
    // Every table, the audit log and every row's version included, is exactly as it was.
    expect(await dumpTables(['snapshot_revisions'])).toEqual(rowsBefore)
    const { revision: revisionAfter, generatedAt: _b, ...after } = await publish()
    expect(after).toEqual(before)
    expect(revisionAfter).toBeGreaterThan(revisionBefore)
  })

  it('keeps deployment ids by provider and upstream model, and a key id when its value rotates', async () => {
    await applyConfig(database.db, config, secrets(ENV))
    const before = await publish()
    const [first, second] = before.models.find((m) => m.name === 'gpt-4o-mini')?.deployments ?? []
    const rotated = 'sk-sy-search-rotated-00112233445566'
    const reordered = ConfigFile.parse({
      ...BASE,
      models: [
        {
          name: 'gpt-4o-mini',
          route: 'default',
          deployments: [
            { provider: 'local', model: 'llama-3.1-8b', weight: 5 },
            { provider: 'openai-main', model: 'gpt-4o-mini', weight: 3 },
          ],
        },
        { name: 'small', deployments: [{ provider: 'local', model: 'qwen-2.5-1.5b' }] },
      ],
    })
    const result = await applyConfig(database.db, reordered, secrets({ ...ENV, TEST_SEARCH_KEY: rotated }))
    expect(result.changes).toEqual([
      { action: 'update', section: 'models', name: 'gpt-4o-mini', fields: ['deployments'] },
      { action: 'update', section: 'models', name: 'small', fields: ['deployments'] },
      { action: 'update', section: 'keys', name: 'acme/search-ci', fields: ['secret'] },
    ])
    expect(JSON.stringify(result)).not.toContain(rotated)
    const after = await publish()
    const gpt = after.models.find((m) => m.name === 'gpt-4o-mini')
    expect(gpt?.deployments.map((d) => [d.id, d.weight])).toEqual([
      [second?.id, 5],
      [first?.id, 3],
    ])
    expect(after.keys.map((k) => [k.id, k.hash])).toEqual([[before.keys[0]?.id, hashApiKey(keyPepper, rotated)]])
    expect(await database.db.select().from(deployments)).toHaveLength(3)
  })

  it('never revives a key an admin revoked', async () => {
    await applyConfig(database.db, config, secrets(ENV))
    await database.db.update(apiKeys).set({ status: 'revoked' }).where(eq(apiKeys.name, 'search-ci'))
    await applyConfig(database.db, config, secrets(ENV))
    expect((await publish()).keys.map((key) => key.status)).toEqual(['revoked'])
  })

  it('re-encrypts credentials under a new active key, and only then', async () => {
    await applyConfig(database.db, config, secrets(ENV))
    const rotatedRing = parseKeyring(`test-2:${randomBytes(32).toString('base64')},test-1:${keyringKey()}`)
    const result = await applyConfig(database.db, config, { keyring: rotatedRing, keyPepper, env: ENV })
    expect(result.changes).toEqual([
      { action: 'update', section: 'providers', name: 'openai-main', fields: ['apiKey'] },
    ])
    const openai = (await publish()).providers.find((p) => p.name === 'openai-main')
    expect(openai?.credentials?.keyId).toBe('test-2')
    expect(decryptJson(rotatedRing, openai?.credentials ?? never(), openai?.id ?? '')).toMatchObject({
      apiKey: OPENAI_KEY,
    })
  })

  it('refuses a provider whose required secret is unset, naming the variable and writing nothing', async () => {
    const attempt = applyConfig(database.db, config, secrets({ TEST_SEARCH_KEY: SEARCH_KEY }))
    await expect(attempt).rejects.toThrow(ConfigError)
    await expect(attempt).rejects.toThrow(
      'providers[0].apiKey: environment variable TEST_OPENAI_KEY is not set (provider openai-main of type openai needs it)',
    )
    expect(Object.values(await dumpTables(['__drizzle_migrations'])).flat()).toEqual([])
  })

  it('applies it without credentials when asked to, with a warning', async () => {
    const result = await applyConfig(database.db, config, secrets({ TEST_SEARCH_KEY: SEARCH_KEY }), {
      missingProviderSecrets: 'apply-without',
    })
    expect(result.warnings[0]).toEqual({
      path: 'providers[0].apiKey',
      message:
        'provider openai-main applied without credentials: environment variable TEST_OPENAI_KEY is not set; ' +
        'requests to it get a 502 upstream_credentials_missing',
    })
    const credentials = Object.fromEntries((await publish()).providers.map((p) => [p.name, p.credentials]))
    expect(credentials).toEqual({ local: null, 'openai-main': null })
  })

  it('refuses a seeded key too short to keep a secret beyond its prefix, without showing it', async () => {
    const attempt = applyConfig(database.db, config, secrets({ ...ENV, TEST_SEARCH_KEY: 'sk-short-1' }))
    await expect(attempt).rejects.toThrow(
      'keys[0].secret: environment variable TEST_SEARCH_KEY must hold a key of at least 24 characters',
    )
    await attempt.catch((error: unknown) => expect(String(error)).not.toContain('sk-short-1'))
  })

  it('applies at start, logs the skipped key by variable name, and never logs a secret', async () => {
    const lines: string[] = []
    const running = await startControlPlane({
      database,
      bus: sink,
      log: createLogger('control-plane', 'info', { write: (line: string) => lines.push(line) }),
      http: { host: '127.0.0.1', port: 0 },
      secrets: secrets(ENV),
      config,
    })
    await running.stop(1_000)
    const logged = lines.join('')
    expect(logged).toContain('TEST_UNSET_KEY')
    expect(logged).toContain('config applied')
    for (const plaintext of [OPENAI_KEY, SEARCH_KEY]) expect(logged).not.toContain(plaintext)
  })

  function keyringKey(): string {
    return keyring.key('test-1')?.toString('base64') ?? never()
  }
})

function never(): never {
  throw new Error('unreachable')
}
