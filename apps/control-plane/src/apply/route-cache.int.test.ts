import { randomBytes } from 'node:crypto'
import { parseConfigText } from '@switchyard/config'
import { ConfigFile, type ConfigFileInput, PolicySnapshot } from '@switchyard/contracts'
import { type DatabaseHandle, openPostgres } from '@switchyard/db'
import { createLogger } from '@switchyard/http-server'
import { loadPricingCatalog } from '@switchyard/pricing'
import { parseKeyring } from '@switchyard/secrets'
import { type PostgresServerHandle, startPostgresServer } from '@switchyard/test-services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createControlPlaneApp } from '../app.ts'
import { configToYaml, exportConfig } from '../export/export-config.ts'
import { publishSnapshot } from '../snapshot/publish-snapshot.ts'
import { type ApplySecrets, applyConfig } from './apply-config.ts'

const BOOTSTRAP = `bootstrap-${randomBytes(24).toString('hex')}`
const secrets: ApplySecrets = {
  keyring: parseKeyring(`test-1:${randomBytes(32).toString('base64')}`),
  keyPepper: randomBytes(32),
  env: { OPENAI_KEY: 'sk-openai-route-cache-0123456789' },
}

const FILE: ConfigFileInput = {
  version: 1,
  providers: [{ name: 'openai', type: 'openai', apiKey: { env: 'OPENAI_KEY' } }],
  models: [
    { name: 'gpt-4o', route: 'cached', deployments: [{ provider: 'openai', model: 'gpt-4o' }] },
    { name: 'gpt-4o-mini', route: 'plain', deployments: [{ provider: 'openai', model: 'gpt-4o-mini' }] },
  ],
  routes: [
    { name: 'cached', cache: { ttlSeconds: 120, scope: 'org' } },
    { name: 'plain', strategy: 'round-robin' },
  ],
}

describe('a route’s cache section through apply, snapshot, export and the admin API', () => {
  let server: PostgresServerHandle
  let database: DatabaseHandle

  const snapshot = async () => {
    const bodies: Uint8Array[] = []
    const sink = { publishSnapshot: async ({ body }: { body: Uint8Array }) => void bodies.push(body) }
    await publishSnapshot(database.db, sink, () => new Date())
    return PolicySnapshot.parse(JSON.parse(new TextDecoder().decode(bodies[0])))
  }

  beforeAll(async () => {
    server = await startPostgresServer()
    database = openPostgres({ url: await server.createDatabase('route_cache') })
    await database.migrate()
  })
  afterAll(async () => {
    await database?.close()
    await server?.dispose()
  })

  it('applies it with its defaults, publishes it, exports it and re-applies with no change', async () => {
    await applyConfig(database.db, ConfigFile.parse(FILE), secrets)
    const routes = (await snapshot()).routes
    expect(routes.find((route) => route.name === 'cached')?.cache).toEqual({
      enabled: true,
      ttlSeconds: 120,
      scope: 'org',
    })
    expect(routes.find((route) => route.name === 'plain')).not.toHaveProperty('cache')

    const yaml = configToYaml(await exportConfig(database.db))
    expect(yaml).toContain('ttlSeconds: 120')
    const reapplied = await applyConfig(database.db, parseConfigText(yaml, 'export.yaml'), secrets)
    expect(reapplied.changes).toEqual([])
    expect(configToYaml(await exportConfig(database.db))).toBe(yaml)

    const withoutCache = await applyConfig(
      database.db,
      ConfigFile.parse({ ...FILE, routes: [{ name: 'cached' }, { name: 'plain', strategy: 'round-robin' }] }),
      secrets,
    )
    expect(withoutCache.changes.map((change) => change.name)).toEqual(['cached'])
    expect((await snapshot()).routes.find((route) => route.name === 'cached')).not.toHaveProperty('cache')
  })

  it('creates, changes and removes it in the admin API', async () => {
    const app = createControlPlaneApp({
      database,
      log: createLogger('control-plane', 'silent'),
      lastPublishedRevision: () => undefined,
      keyPepper: secrets.keyPepper,
      keyring: secrets.keyring,
      pricing: loadPricingCatalog(),
      bootstrapToken: BOOTSTRAP,
      onChange: () => {},
      publishNow: async () => 1,
      secretsEnv: {},
    })
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await app.request(path, {
        method,
        headers: { authorization: `Bearer ${BOOTSTRAP}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      return { status: response.status, body: (await response.json()) as Record<string, unknown> }
    }
    const created = await call('POST', '/api/routes', { name: 'faq', cache: { scope: 'key' } })
    expect(created.status).toBe(201)
    expect(created.body.cache).toEqual({ enabled: true, ttlSeconds: 300, scope: 'key' })
    const path = `/api/routes/${String(created.body.id)}`
    const changed = await call('PATCH', path, { cache: { enabled: false, ttlSeconds: 30 } })
    expect(changed.body.cache).toEqual({ enabled: false, ttlSeconds: 30, scope: 'team' })
    expect((await snapshot()).routes.find((route) => route.name === 'faq')?.cache).toMatchObject({ ttlSeconds: 30 })
    const removed = await call('PATCH', path, { cache: null })
    expect(removed.status).toBe(200)
    expect(removed.body).not.toHaveProperty('cache')
    expect((await snapshot()).routes.find((route) => route.name === 'faq')).not.toHaveProperty('cache')
    expect((await call('POST', '/api/routes', { name: 'bad', cache: { scope: 'world' } })).status).toBe(400)
  })
})
