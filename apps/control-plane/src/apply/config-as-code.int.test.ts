import { randomBytes } from 'node:crypto'
import { ConfigError, formatConfigChanges, parseConfigText } from '@switchyard/config'
import { ConfigFile, type ConfigFileInput, PolicySnapshot } from '@switchyard/contracts'
import { apiKeys, auditLog, type DatabaseHandle, openPostgres, teams } from '@switchyard/db'
import { parseKeyring } from '@switchyard/secrets'
import { type PostgresServerHandle, startPostgresServer } from '@switchyard/test-services'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { configToYaml, exportConfig } from '../export/export-config.ts'
import { publishSnapshot } from '../snapshot/publish-snapshot.ts'
import { type ApplySecrets, applyConfig } from './apply-config.ts'

const secrets: ApplySecrets = {
  keyring: parseKeyring(`test-1:${randomBytes(32).toString('base64')}`),
  keyPepper: randomBytes(32),
  env: {
    OPENAI_KEY: 'sk-openai-cac-0123456789abcdef',
    CI_KEY: 'sk-sy-ci-0123456789abcdef0123',
    BOT_KEY: 'sk-sy-bot-0123456789abcdef0123',
  },
}

const FILE: ConfigFileInput = {
  version: 1,
  providers: [{ name: 'openai', type: 'openai', apiKey: { env: 'OPENAI_KEY' } }],
  models: [
    { name: 'gpt-4o', route: 'main', deployments: [{ provider: 'openai', model: 'gpt-4o' }] },
    { name: 'gpt-4o-mini', deployments: [{ provider: 'openai', model: 'gpt-4o-mini', weight: 2 }] },
  ],
  routes: [{ name: 'main', fallbacks: ['gpt-4o-mini'], fallbackOn: [429, 'timeout'] }],
  orgs: [{ name: 'acme', displayName: 'Acme Corp' }],
  teams: [
    { name: 'search', org: 'acme', displayName: 'Search', allowedModels: ['gpt-4o-mini'] },
    { name: 'support', org: 'acme' },
  ],
  projects: [{ name: 'ranking', team: 'search', displayName: 'Ranking' }],
  users: [
    {
      subject: 'ann',
      email: 'ann@acme.example',
      displayName: 'Ann',
      roles: [{ orgAdmin: 'acme' }, { financeViewer: 'acme' }, { teamAdmin: 'search' }],
    },
    { subject: 'bob', roles: [{ member: 'support' }] },
  ],
  jwtIssuers: [
    {
      name: 'okta',
      org: 'acme',
      issuer: 'https://acme.okta.example',
      audiences: ['switchyard'],
      jwksUrl: 'https://acme.okta.example/keys',
      claims: { team: 'groups', roles: 'roles', roleAllowedModels: { analyst: ['gpt-4o-mini'] } },
    },
  ],
  keys: [
    {
      name: 'ci',
      secret: { env: 'CI_KEY' },
      team: 'search',
      project: 'ranking',
      scopes: ['chat', 'embeddings'],
      owner: 'ann',
      tags: { costCenter: '1234' },
      expiresAt: '2027-01-31T00:00:00Z',
    },
    { name: 'bot', secret: { env: 'BOT_KEY' }, team: 'support' },
  ],
  budgets: [
    {
      name: 'search-weekly',
      scope: { team: 'search' },
      window: 'weekly',
      timeZone: 'Europe/Paris',
      limitUsd: '12.5',
      onExceed: { downgradeTo: 'gpt-4o-mini' },
    },
    { name: 'ann-daily', scope: { user: 'ann' }, window: 'daily', limitUsd: 3 },
    { name: 'ml', scope: { tag: { name: 'costCenter', value: '1234' } }, window: 'monthly', limitUsd: '500.000001' },
  ],
  rateLimits: [
    { name: 'ci-rpm', scope: { key: 'ci' }, requestsPerMinute: 60 },
    { name: '4o-tpm', scope: { model: 'gpt-4o' }, tokensPerMinute: 100000 },
  ],
}

describe('config as code: every section, diff, dry run, prune, audit, export', () => {
  let server: PostgresServerHandle
  let database: DatabaseHandle
  let count = 0
  const apply = (file: ConfigFileInput, options: Parameters<typeof applyConfig>[3] = {}) =>
    applyConfig(database.db, ConfigFile.parse(file), secrets, options)
  const auditCount = async () => (await database.db.select({ n: sql<number>`count(*)::int` }).from(auditLog))[0]?.n
  const snapshot = async () => {
    const bodies: Uint8Array[] = []
    const sink = { publishSnapshot: async ({ body }: { body: Uint8Array }) => void bodies.push(body) }
    await publishSnapshot(database.db, sink, () => new Date())
    return PolicySnapshot.parse(JSON.parse(new TextDecoder().decode(bodies[0])))
  }

  beforeAll(async () => {
    server = await startPostgresServer()
  })
  beforeEach(async () => {
    await database?.close()
    count += 1
    database = openPostgres({ url: await server.createDatabase(`cac_${count}`) })
    await database.migrate()
  })
  afterAll(async () => {
    await database?.close()
    await server?.dispose()
  })

  it('applies every section into the snapshot, with one audit row per change and none for a no-op', async () => {
    const actor = { kind: 'user', id: null, name: 'ann@acme.example' } as const
    const result = await apply(FILE, { actor, requestId: 'req-1' })
    expect(result.changes).toHaveLength(18)
    expect(formatConfigChanges(result.changes)).toContain('+ jwt-issuer acme/okta')
    const audit = await database.db.select().from(auditLog)
    expect(audit).toHaveLength(18)
    expect(audit.every((row) => row.actorName === 'ann@acme.example' && row.requestId === 'req-1')).toBe(true)
    expect(JSON.stringify(audit)).not.toContain(secrets.env.CI_KEY)
    expect(JSON.stringify(audit)).not.toContain(secrets.env.OPENAI_KEY)

    const snap = await snapshot()
    const [acme] = snap.orgs
    const search = snap.teams.find((team) => team.name === 'search')
    const ci = snap.keys.find((key) => key.name === 'ci')
    expect(ci?.scopes).toEqual(['chat', 'embeddings'])
    expect(snap.jwtIssuers).toEqual([
      {
        id: expect.any(String),
        orgId: acme?.id,
        issuer: 'https://acme.okta.example',
        audiences: ['switchyard'],
        keySource: { kind: 'jwks_url', jwksUrl: 'https://acme.okta.example/keys' },
        algorithms: ['RS256'],
        claims: { user: 'sub', team: 'groups', roles: 'roles', roleAllowedModels: { analyst: ['gpt-4o-mini'] } },
        clockToleranceSec: 30,
      },
    ])
    const budgets = Object.fromEntries(snap.budgets.map((b) => [b.name, b]))
    expect(budgets['search-weekly']).toMatchObject({
      scope: { kind: 'team', id: search?.id },
      limitMicroUsd: 12_500_000,
      spentMicroUsd: 0,
      onExceed: { action: 'downgrade' },
    })
    expect(budgets['ann-daily']?.scope).toEqual({ kind: 'user', id: 'ann' })
    expect(budgets.ml?.limitMicroUsd).toBe(500_000_001)
    expect(snap.rateLimits.map((limit) => [limit.name, limit.scope.kind]).sort()).toEqual([
      ['4o-tpm', 'model'],
      ['ci-rpm', 'key'],
    ])
    const [owner] = await database.db.select({ ownerId: apiKeys.ownerId }).from(apiKeys).where(eq(apiKeys.name, 'ci'))
    expect(owner?.ownerId).toMatch(/^user_/)

    const again = await apply(FILE)
    expect(again.changes).toEqual([])
    expect(await auditCount()).toBe(18)
  })

  it('bumps version and updated_at only on a real change, and names the changed fields', async () => {
    await apply(FILE)
    const [before] = await database.db.select().from(teams).where(eq(teams.name, 'search'))
    await apply(FILE)
    const [same] = await database.db.select().from(teams).where(eq(teams.name, 'search'))
    expect(same?.version).toBe(1)
    expect(same?.updatedAt).toEqual(before?.updatedAt)
    const changed = structuredClone(FILE)
    changed.teams = [
      { name: 'search', org: 'acme', displayName: 'Search & Ranking' },
      { name: 'support', org: 'acme' },
    ]
    changed.users = [
      { subject: 'ann', roles: [{ orgAdmin: 'acme' }] },
      { subject: 'bob', roles: [{ member: 'support' }] },
    ]
    const result = await apply(changed)
    expect(formatConfigChanges(result.changes).split('\n')).toEqual([
      '~ team acme/search: displayName, allowedModels',
      '~ user ann: email, displayName, roles',
    ])
    const [after] = await database.db.select().from(teams).where(eq(teams.name, 'search'))
    expect(after?.version).toBe(2)
    expect(after?.updatedAt.getTime()).toBeGreaterThan(before?.updatedAt.getTime() ?? 0)
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.action, 'update'))
    expect(audit.map((row) => [row.resourceType, row.resourceId])).toEqual([
      ['team', after?.id],
      ['user', expect.stringMatching(/^user_/)],
    ])
  })

  it('dry run reports exactly what a real apply does, and writes nothing', async () => {
    await apply(FILE)
    const next = structuredClone(FILE)
    next.keys = [...(next.keys ?? []).slice(0, 1)]
    next.rateLimits = [{ name: 'ci-rpm', scope: { key: 'ci' }, requestsPerMinute: 120 }]
    next.teams = [...(next.teams ?? []), { name: 'sales', org: 'acme' }]
    const audits = await auditCount()
    const dry = await apply(next, { dryRun: true, prune: true })
    expect(dry.dryRun).toBe(true)
    expect(await auditCount()).toBe(audits)
    expect(await database.db.select().from(teams)).toHaveLength(2)
    const real = await apply(next, { prune: true })
    expect(real.changes).toEqual(dry.changes)
    expect(formatConfigChanges(real.changes).split('\n')).toEqual([
      '+ team acme/sales',
      '~ rate-limit ci-rpm: requestsPerMinute',
      '- rate-limit 4o-tpm',
      '- key acme/bot',
    ])
  })

  it('deletes nothing without prune; prune deletes in dependency order, revoked keys included', async () => {
    await apply(FILE)
    await database.db.update(apiKeys).set({ status: 'revoked' }).where(eq(apiKeys.name, 'bot'))
    const minimal: ConfigFileInput = { version: 1, orgs: [{ name: 'acme', displayName: 'Acme Corp' }] }
    expect((await apply(minimal)).changes).toEqual([])
    expect((await snapshot()).keys.map((key) => [key.name, key.status]).sort()).toEqual([
      ['bot', 'revoked'],
      ['ci', 'active'],
    ])
    const pruned = await apply(minimal, { prune: true })
    expect(formatConfigChanges(pruned.changes).split('\n')).toEqual([
      '- budget ann-daily',
      '- budget ml',
      '- budget search-weekly',
      '- rate-limit 4o-tpm',
      '- rate-limit ci-rpm',
      '- key acme/bot',
      '- key acme/ci',
      '- jwt-issuer acme/okta',
      '- user ann',
      '- user bob',
      '- model gpt-4o',
      '- model gpt-4o-mini',
      '- route main',
      '- provider openai',
      '- project acme/search/ranking',
      '- team acme/search',
      '- team acme/support',
    ])
    const snap = await snapshot()
    expect([snap.keys, snap.teams, snap.models, snap.budgets].map((section) => section.length)).toEqual([0, 0, 0, 0])
    expect((await database.db.select().from(auditLog).where(eq(auditLog.action, 'delete'))).length).toBe(17)
  })

  it('takes a user/tag/model budget’s org from the only org in the database, and refuses when there is none', async () => {
    await apply({ version: 1, orgs: [{ name: 'acme' }] })
    const budget = { name: 'ann', scope: { user: 'ann' }, window: 'daily', limitUsd: 1 } as const
    const result = await apply({ version: 1, budgets: [budget] })
    expect(formatConfigChanges(result.changes)).toBe('+ budget ann')
    await database.db.execute(sql`delete from budgets`)
    await apply({ version: 1, orgs: [{ name: 'acme' }, { name: 'globex' }] })
    const attempt = apply({ version: 1, budgets: [budget] })
    await expect(attempt).rejects.toThrow(ConfigError)
    await expect(attempt).rejects.toThrow('budgets[0]: a user scope needs org: <name>')
  })

  it('exports a file that re-applies with no change and exports byte-identically', async () => {
    await apply(FILE)
    const yaml = configToYaml(await exportConfig(database.db))
    expect(yaml).not.toContain(secrets.env.CI_KEY)
    expect(yaml).not.toContain(secrets.env.OPENAI_KEY)
    expect(yaml).toContain('env: CI_KEY')
    const reapplied = await applyConfig(database.db, parseConfigText(yaml, 'export.yaml'), secrets)
    expect(reapplied.changes).toEqual([])
    expect(reapplied.warnings).toEqual([])
    expect(configToYaml(await exportConfig(database.db))).toBe(yaml)
    expect(yaml).toMatchSnapshot()
  })
})
