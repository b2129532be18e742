import { randomBytes } from 'node:crypto'
import { type DatabaseHandle, openPostgres, providers } from '@switchyard/db'
import { createLogger } from '@switchyard/http-server'
import { startTestIssuer, type TestIssuer } from '@switchyard/jwt-auth/testing'
import { loadPricingCatalog } from '@switchyard/pricing'
import { decryptJson, hashApiKey, parseKeyring } from '@switchyard/secrets'
import { type PostgresServerHandle, startPostgresServer } from '@switchyard/test-services'
import { eq } from 'drizzle-orm'
import type { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createControlPlaneApp } from '../app.ts'
import { adminOidcVerifier } from '../auth/admin-oidc.ts'

const BOOTSTRAP = `bootstrap-${randomBytes(24).toString('hex')}`
const AUDIENCE = 'switchyard-admin'
const keyPepper = randomBytes(32)
const keyring = parseKeyring(`test-1:${randomBytes(32).toString('base64')}`)
const UPSTREAM_SECRET = `sk-upstream-${randomBytes(12).toString('hex')}`

let server: PostgresServerHandle
let database: DatabaseHandle
let idp: TestIssuer
let app: Hono
let changes = 0

/** Ids of what the bootstrap token set up: an org with two teams, each with its people and resources. */
const ids: Record<string, string> = {}
const tokens: Record<string, string> = {}

type Body = Record<string, unknown>

async function call(who: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const token = who === 'bootstrap' ? BOOTSTRAP : tokens[who]
  const response = await app.request(path, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: (text === '' ? null : JSON.parse(text)) as Body }
}

async function create(who: string, path: string, body: unknown): Promise<Body> {
  const response = await call(who, 'POST', path, body)
  if (response.status !== 201)
    throw new Error(`POST ${path} as ${who}: ${response.status} ${JSON.stringify(response.body)}`)
  return response.body
}

const idsOf = (body: Body) => (body.data as Body[]).map((entry) => entry.id)

beforeAll(async () => {
  server = await startPostgresServer()
  database = openPostgres({ url: await server.createDatabase('admin_api') })
  await database.migrate()
  idp = await startTestIssuer()
  await idp.addKey('RS256')
  app = createControlPlaneApp({
    database,
    log: createLogger('control-plane', 'silent'),
    lastPublishedRevision: () => undefined,
    keyPepper,
    keyring,
    pricing: loadPricingCatalog(),
    bootstrapToken: BOOTSTRAP,
    verifyAdminToken: adminOidcVerifier({
      issuer: idp.issuer,
      audience: AUDIENCE,
      jwksUrl: idp.jwksUrl,
      algorithms: ['RS256'],
    }),
    onChange: () => {
      changes += 1
    },
    publishNow: async () => 4242,
    secretsEnv: {},
  })

  ids.org = String((await create('bootstrap', '/api/orgs', { name: 'acme' })).id)
  const local = await create('bootstrap', '/api/providers', {
    name: 'local',
    target: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:4010/v1' },
  })
  const prices = { inputMicroUsdPerMTok: 100_000, outputMicroUsdPerMTok: 400_000 }
  for (const name of ['gpt-4o-mini', 'small', 'gpt-4o']) {
    const deployments = [{ providerId: local.id, upstreamModel: `${name}-local`, prices }]
    ids[`model:${name}`] = String((await create('bootstrap', '/api/models', { name, deployments })).id)
  }
  for (const team of ['red', 'blue']) {
    const allowedModels = team === 'red' ? ['gpt-4o-mini', 'small'] : null
    ids[team] = String((await create('bootstrap', '/api/teams', { orgId: ids.org, name: team, allowedModels })).id)
    ids[`${team}Project`] = String(
      (await create('bootstrap', '/api/projects', { teamId: ids[team], name: `${team}-app` })).id,
    )
  }
  const people = {
    olga: [{ role: 'org_admin' }],
    fiona: [{ role: 'finance_viewer' }],
    alice: [{ role: 'team_admin', team: 'red' }],
    carol: [{ role: 'member', team: 'red' }],
    bob: [{ role: 'team_admin', team: 'blue' }],
    dave: [{ role: 'member', team: 'blue' }],
  }
  for (const [name, roles] of Object.entries(people)) {
    ids[name] = String(
      (await create('bootstrap', '/api/users', { subject: `idp|${name}`, email: `${name}@acme.test` })).id,
    )
    for (const { role, team } of roles as Array<{ role: string; team?: string }>) {
      const teamId = team === undefined ? undefined : ids[team]
      const membership = await create('bootstrap', '/api/memberships', {
        userId: ids[name],
        orgId: ids.org,
        teamId,
        role,
      })
      ids[`${name}Membership`] = String(membership.id)
    }
    tokens[name] = await idp.sign({ sub: `idp|${name}`, aud: AUDIENCE, email: `${name}@acme.test` })
  }
  for (const team of ['red', 'blue']) {
    const member = team === 'red' ? 'carol' : 'dave'
    ids[`${team}Key`] = String((await create('bootstrap', '/api/keys', { name: `${team}-ci`, teamId: ids[team] })).id)
    ids[`${team}MemberKey`] = String(
      (await create(member, '/api/keys', { name: `${member}-laptop`, teamId: ids[team] })).id,
    )
    const scope = { kind: 'team', id: ids[team] }
    ids[`${team}Limit`] = String(
      (
        await create('bootstrap', '/api/rate-limits', {
          orgId: ids.org,
          name: `${team}-rpm`,
          scope,
          requestsPerMinute: 600,
        })
      ).id,
    )
    ids[`${team}Budget`] = String(
      (
        await create('bootstrap', '/api/budgets', {
          orgId: ids.org,
          name: `${team}-monthly`,
          scope,
          window: 'monthly',
          limitMicroUsd: 100_000_000,
        })
      ).id,
    )
  }
}, 60_000)

afterAll(async () => {
  await database?.close()
  await idp?.close()
  await server?.dispose()
})

describe('admin authentication', () => {
  it('refuses a missing, malformed or unverifiable token with 401 in the OpenAI error shape', async () => {
    const missing = await call('nobody', 'GET', '/api/teams')
    expect(missing.status).toBe(401)
    expect(missing.body).toEqual({
      error: { message: expect.any(String), type: 'authentication_error', code: 'missing_admin_token', param: null },
    })
    expect(missing.headers.get('www-authenticate')).toBe('Bearer')
    const header = (authorization: string) => ({ authorization })
    for (const bad of ['Bearer not-a-jwt', 'Basic abc', `Bearer ${BOOTSTRAP}x`]) {
      const response = await call('nobody', 'GET', '/api/teams', undefined, header(bad))
      expect(response.status, bad).toBe(401)
    }
    const expired = await idp.sign({ sub: 'idp|olga', aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) - 3600 })
    const wrongAudience = await idp.sign({ sub: 'idp|olga', aud: 'someone-else' })
    const [head, payload] = tokens.olga?.split('.') ?? []
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`
    const tampered = `${head}.${Buffer.from(JSON.stringify({ sub: 'idp|olga', aud: AUDIENCE, iss: idp.issuer, exp: 9e9 })).toString('base64url')}.${tokens.olga?.split('.')[2]}`
    for (const token of [expired, wrongAudience, unsigned, tampered]) {
      const response = await call('nobody', 'GET', '/api/teams', undefined, header(`Bearer ${token}`))
      expect(response.status).toBe(401)
      expect(response.body.error).toMatchObject({ code: 'invalid_admin_token' })
      expect(JSON.stringify(response.body)).not.toContain(token)
    }
  })

  it('refuses a valid token whose subject is no Switchyard user (403), and says who the caller is', async () => {
    const stranger = await idp.sign({ sub: 'idp|stranger', aud: AUDIENCE })
    const response = await call('nobody', 'GET', '/api/me', undefined, { authorization: `Bearer ${stranger}` })
    expect(response.status).toBe(403)
    expect(response.body.error).toMatchObject({ type: 'permission_error', code: 'unknown_user' })
    const me = await call('alice', 'GET', '/api/me')
    expect(me.body).toMatchObject({
      kind: 'user',
      user: { subject: 'idp|alice' },
      memberships: [{ orgId: ids.org, teamId: ids.red, role: 'team_admin' }],
    })
  })
})

/** Every team-scoped resource, with the id of red's and of blue's. */
const teamScoped = [
  ['teams', 'red', 'blue'],
  ['projects', 'redProject', 'blueProject'],
  ['keys', 'redKey', 'blueKey'],
  ['memberships', 'carolMembership', 'daveMembership'],
  ['rate-limits', 'redLimit', 'blueLimit'],
  ['budgets', 'redBudget', 'blueBudget'],
] as const

const patchOf: Record<string, Body> = {
  teams: { displayName: 'Taken over' },
  projects: { displayName: 'Taken over' },
  keys: { name: 'taken-over' },
  'rate-limits': { requestsPerMinute: 1 },
  budgets: { limitMicroUsd: 1 },
}

describe('a team admin stays inside their team', () => {
  it.each(teamScoped)(
    '%s of another team: not found by id, in lists, or for changes and deletes',
    async (path, own, other) => {
      const otherId = ids[other]
      const ownId = ids[own]
      expect((await call('alice', 'GET', `/api/${path}/${otherId}`)).status).toBe(404)
      expect((await call('alice', 'GET', `/api/${path}/${ownId}`)).status).toBe(200)
      const list = await call('alice', 'GET', `/api/${path}?limit=500`)
      expect(list.status).toBe(200)
      expect(idsOf(list.body)).toContain(ownId)
      expect(idsOf(list.body)).not.toContain(otherId)
      const filtered = await call('alice', 'GET', `/api/${path}?limit=500&teamId=${ids.blue}`)
      expect(filtered.status === 400 || !idsOf(filtered.body).includes(otherId)).toBe(true)
      if (path !== 'memberships') {
        const patched = await call('alice', 'PATCH', `/api/${path}/${otherId}`, patchOf[path])
        expect(patched.status).toBe(404)
      }
      expect((await call('alice', 'DELETE', `/api/${path}/${otherId}`)).status).toBe(404)
      // The other team's resource is untouched, as its own admin sees it.
      const seenByOwner = await call('bob', 'GET', `/api/${path}/${otherId}`)
      expect(seenByOwner.status).toBe(200)
      expect(seenByOwner.body.version).toBe(1)
    },
  )

  it('cannot create in another team: projects, keys, memberships, limits', async () => {
    expect((await call('alice', 'POST', '/api/projects', { teamId: ids.blue, name: 'sneaky' })).status).toBe(404)
    expect((await call('alice', 'POST', '/api/keys', { teamId: ids.blue, name: 'sneaky' })).status).toBe(404)
    const grant = { userId: ids.alice, orgId: ids.org, teamId: ids.blue, role: 'member' }
    expect((await call('alice', 'POST', '/api/memberships', grant)).status).toBe(404)
    const limit = { orgId: ids.org, name: 'sneaky', scope: { kind: 'team', id: ids.blue }, requestsPerMinute: 1e6 }
    expect((await call('alice', 'POST', '/api/rate-limits', limit)).status).toBe(404)
  })

  it('cannot revoke another team’s key in a bulk operation; nothing is revoked', async () => {
    const bulk = await call('alice', 'POST', '/api/keys/bulk-revoke', { ids: [ids.redMemberKey, ids.blueKey] })
    expect(bulk.status).toBe(404)
    expect(bulk.body.error).toMatchObject({ message: expect.stringContaining(String(ids.blueKey)) })
    expect(JSON.stringify(bulk.body)).not.toContain(String(ids.redMemberKey))
    for (const [who, key] of [
      ['alice', ids.redMemberKey],
      ['bob', ids.blueKey],
    ]) {
      expect((await call(String(who), 'GET', `/api/keys/${key}`)).body.status).toBe('active')
    }
    expect((await call('alice', 'POST', `/api/keys/${ids.blueKey}/revoke`)).status).toBe(404)
  })

  it('cannot reach org-level resources: org changes, issuers, other teams’ audit entries', async () => {
    expect((await call('alice', 'PATCH', `/api/orgs/${ids.org}`, { displayName: 'Mine' })).status).toBe(403)
    expect((await call('alice', 'POST', '/api/teams', { orgId: ids.org, name: 'green' })).status).toBe(403)
    const issuer = {
      orgId: ids.org,
      name: 'sneaky',
      issuer: 'https://idp.sneaky.test',
      audiences: ['x'],
      keySource: { kind: 'jwks_url', jwksUrl: 'https://idp.sneaky.test/jwks' },
      algorithms: ['RS256'],
      claims: { user: 'sub', team: null, roles: null },
    }
    expect((await call('alice', 'POST', '/api/jwt-issuers', issuer)).status).toBe(403)
    // People: a team admin sees their team's people and no one else's.
    const people = idsOf((await call('alice', 'GET', '/api/users?limit=500')).body)
    expect(people).toEqual(expect.arrayContaining([ids.alice, ids.carol]))
    for (const other of [ids.bob, ids.dave, ids.olga]) expect(people).not.toContain(other)
    expect((await call('alice', 'GET', `/api/users/${ids.dave}`)).status).toBe(404)
    expect((await call('alice', 'PATCH', `/api/users/${ids.carol}`, { displayName: 'x' })).status).toBe(403)
    const audit = await call('alice', 'GET', '/api/audit-log?limit=500')
    expect(audit.status).toBe(200)
    const entries = audit.body.data as Body[]
    expect(entries.length).toBeGreaterThan(0)
    expect(entries.every((entry) => entry.teamId === ids.red)).toBe(true)
  })

  it('may grant team roles in their own team, but not org roles', async () => {
    const user = await create('bootstrap', '/api/users', { subject: 'idp|newbie' })
    const member = { userId: user.id, orgId: ids.org, teamId: ids.red, role: 'member' }
    expect((await call('alice', 'POST', '/api/memberships', member)).status).toBe(201)
    const orgAdmin = { userId: user.id, orgId: ids.org, role: 'org_admin' }
    expect((await call('alice', 'POST', '/api/memberships', orgAdmin)).status).toBe(403)
    expect((await call('alice', 'POST', '/api/memberships', { ...orgAdmin, role: 'finance_viewer' })).status).toBe(403)
  })
})

describe('a key never holds more than its minter', () => {
  it('members mint keys only for themselves, in their own team', async () => {
    const forAlice = await call('carol', 'POST', '/api/keys', {
      name: 'for-alice',
      teamId: ids.red,
      ownerId: ids.alice,
    })
    expect(forAlice.status).toBe(403)
    expect(forAlice.body.error).toMatchObject({ code: 'exceeds_minter' })
    expect((await call('carol', 'POST', '/api/keys', { name: 'elsewhere', teamId: ids.blue })).status).toBe(404)
    const own = await call('carol', 'POST', '/api/keys', { name: 'carol-2', teamId: ids.red, scopes: ['chat'] })
    expect(own.status).toBe(201)
    expect(own.body).toMatchObject({ ownerId: ids.carol, teamId: ids.red, scopes: ['chat'], status: 'active' })
    expect(String(own.body.key)).toMatch(/^sk-sy-/)
    expect(String(own.body.key).startsWith(String(own.body.prefix))).toBe(true)
    const read = await call('carol', 'GET', `/api/keys/${own.body.id}`)
    expect(read.body).not.toHaveProperty('key')
    expect(JSON.stringify(read.body)).not.toContain(hashApiKey(keyPepper, String(own.body.key)))
  })

  it('a key may not call models its team may not, at creation or later', async () => {
    const wide = await call('alice', 'POST', '/api/keys', { name: 'wide', teamId: ids.red, allowedModels: ['gpt-4o'] })
    expect(wide.status).toBe(403)
    expect(wide.body.error).toMatchObject({ code: 'exceeds_minter', message: expect.stringContaining('gpt-4o') })
    const narrow = await create('alice', '/api/keys', { name: 'narrow', teamId: ids.red, allowedModels: ['small'] })
    const widened = await call('alice', 'PATCH', `/api/keys/${narrow.id}`, { allowedModels: ['small', 'gpt-4o'] })
    expect(widened.status).toBe(403)
    expect((await call('carol', 'GET', `/api/keys/${narrow.id}`)).status).toBe(404)
  })

  it('members cannot unblock a key an admin blocked, and a revoked key stays revoked', async () => {
    const key = await create('carol', '/api/keys', { name: 'carol-3', teamId: ids.red })
    expect((await call('alice', 'PATCH', `/api/keys/${key.id}`, { status: 'blocked' })).status).toBe(200)
    expect((await call('carol', 'PATCH', `/api/keys/${key.id}`, { status: 'active' })).status).toBe(403)
    expect((await call('carol', 'POST', `/api/keys/${key.id}/revoke`)).status).toBe(200)
    const revived = await call('alice', 'PATCH', `/api/keys/${key.id}`, { status: 'active' })
    expect(revived.status).toBe(409)
    expect(revived.body.error).toMatchObject({ code: 'key_revoked' })
  })
})

describe('finance viewers and org admins', () => {
  it('finance viewers read budgets and limits of their org, and change nothing', async () => {
    const budgets = await call('fiona', 'GET', '/api/budgets')
    expect(idsOf(budgets.body)).toEqual(expect.arrayContaining([ids.redBudget, ids.blueBudget]))
    expect((await call('fiona', 'PATCH', `/api/budgets/${ids.redBudget}`, { limitMicroUsd: 1 })).status).toBe(403)
    expect(idsOf((await call('fiona', 'GET', '/api/keys')).body)).toEqual([])
    expect((await call('fiona', 'GET', `/api/keys/${ids.redKey}`)).status).toBe(404)
  })

  it('the last org admin cannot be removed by an org admin', async () => {
    const membership = await call('olga', 'GET', `/api/memberships?userId=${ids.olga}`)
    const [own] = membership.body.data as Body[]
    const removed = await call('olga', 'DELETE', `/api/memberships/${own?.id}`)
    expect(removed.status).toBe(403)
    expect(removed.body.error).toMatchObject({ code: 'last_org_admin' })
  })
})

describe('optimistic concurrency, pagination and audit', () => {
  it('serves the version as ETag and refuses a write against a stale one', async () => {
    const project = await create('alice', '/api/projects', { teamId: ids.red, name: 'etag' })
    const read = await call('alice', 'GET', `/api/projects/${project.id}`)
    expect(read.headers.get('etag')).toBe('"1"')
    const first = await call(
      'alice',
      'PATCH',
      `/api/projects/${project.id}`,
      { displayName: 'One' },
      { 'if-match': '"1"' },
    )
    expect(first.status).toBe(200)
    expect(first.body.version).toBe(2)
    expect(first.headers.get('etag')).toBe('"2"')
    const stale = await call(
      'alice',
      'PATCH',
      `/api/projects/${project.id}`,
      { displayName: 'Two' },
      { 'if-match': '"1"' },
    )
    expect(stale.status).toBe(412)
    expect(stale.body.error).toMatchObject({ code: 'version_mismatch' })
    const same = await call('alice', 'PATCH', `/api/projects/${project.id}`, { displayName: 'One' })
    expect(same.body.version).toBe(2)
    expect(
      (await call('alice', 'DELETE', `/api/projects/${project.id}`, undefined, { 'if-match': '"1"' })).status,
    ).toBe(412)
    expect(
      (await call('alice', 'DELETE', `/api/projects/${project.id}`, undefined, { 'if-match': '"2"' })).status,
    ).toBe(204)
  })

  it('pages through a list with a cursor, each entry exactly once', async () => {
    for (let i = 0; i < 7; i++) await create('alice', '/api/projects', { teamId: ids.red, name: `page-${i}` })
    const seen: unknown[] = []
    let after: unknown
    for (let page = 0; page < 10; page++) {
      const query = after === undefined ? '' : `&after=${after}`
      const response = await call('alice', 'GET', `/api/projects?limit=3&teamId=${ids.red}${query}`)
      seen.push(...idsOf(response.body))
      if (!response.body.hasMore) break
      after = response.body.lastId
    }
    const all = idsOf((await call('alice', 'GET', `/api/projects?limit=500&teamId=${ids.red}`)).body)
    expect(seen).toEqual(all)
    expect(new Set(seen).size).toBe(seen.length)
    expect(all.length).toBeGreaterThanOrEqual(8)
  })

  it('audits every change with before and after, masking keys, and publishes after each', async () => {
    const before = changes
    const key = await create('alice', '/api/keys', { name: 'audited', teamId: ids.red })
    await call('alice', 'PATCH', `/api/keys/${key.id}`, { tags: { costCenter: 'x' } })
    await call('alice', 'POST', `/api/keys/${key.id}/revoke`)
    expect(changes).toBe(before + 3)
    const audit = await call('alice', 'GET', `/api/audit-log?resourceId=${key.id}`)
    const entries = audit.body.data as Body[]
    expect(entries.map((entry) => entry.action)).toEqual(['revoke', 'update', 'create'])
    expect(entries.every((entry) => entry.actorName === 'alice@acme.test' && entry.actorId === ids.alice)).toBe(true)
    expect(entries[1]).toMatchObject({ before: { tags: {} }, after: { tags: { costCenter: 'x' } } })
    const text = JSON.stringify(entries)
    expect(text).not.toContain(String(key.key))
    expect(text).not.toContain(hashApiKey(keyPepper, String(key.key)))
  })
})

describe('the catalog: providers, routes, models, deployments', () => {
  it('stores provider credentials encrypted, shows them masked, and never returns or audits them', async () => {
    const target = { type: 'openai', baseUrl: 'https://api.openai.com/v1' }
    const provider = await create('olga', '/api/providers', {
      name: 'openai',
      target,
      credentials: { apiKey: UPSTREAM_SECRET },
    })
    expect(provider).toMatchObject({ target, credentials: { apiKey: '********' } })
    const rows = await database.db
      .select()
      .from(providers)
      .where(eq(providers.id, String(provider.id)))
    expect(JSON.stringify(rows)).not.toContain(UPSTREAM_SECRET)
    expect(decryptJson(keyring, rows[0]?.credentials as never, String(provider.id))).toEqual({
      type: 'openai',
      apiKey: UPSTREAM_SECRET,
    })
    const wrongShape = await call('olga', 'POST', '/api/providers', {
      name: 'aws',
      target: { type: 'bedrock', region: 'us-east-1' },
      credentials: { apiKey: 'x' },
    })
    expect(wrongShape.status).toBe(400)
    expect(wrongShape.body.error).toMatchObject({ param: 'credentials' })
    const rotated = await call('olga', 'PATCH', `/api/providers/${provider.id}`, {
      credentials: { apiKey: `${UPSTREAM_SECRET}-2` },
    })
    expect(rotated.status).toBe(200)
    expect(rotated.body.version).toBe(2)
    const everything = JSON.stringify([
      await call('alice', 'GET', `/api/providers/${provider.id}`),
      await call('olga', 'GET', '/api/providers'),
      await call('olga', 'GET', `/api/audit-log?resourceId=${provider.id}`),
    ])
    expect(everything).not.toContain(UPSTREAM_SECRET)
    ids.provider = String(provider.id)
  })

  it('team admins and members read the catalog; only org admins change it', async () => {
    expect((await call('carol', 'GET', `/api/providers/${ids.provider}`)).status).toBe(200)
    const deployments = [{ providerId: ids.provider, upstreamModel: 'gpt-4o-mini' }]
    expect((await call('alice', 'POST', '/api/models', { name: 'sneaky', deployments })).status).toBe(403)
    expect((await call('alice', 'PATCH', `/api/providers/${ids.provider}`, { name: 'mine' })).status).toBe(403)
  })

  it('prices a deployment from the catalog when none is given, and refuses an unknown model without prices', async () => {
    const model = { id: ids['model:gpt-4o-mini'] }
    const priced = await create('olga', '/api/deployments', {
      modelId: model.id,
      providerId: ids.provider,
      upstreamModel: 'gpt-4o-mini',
    })
    expect(priced.prices).toMatchObject({ inputMicroUsdPerMTok: 150_000, outputMicroUsdPerMTok: 600_000 })
    const unknown = await call('olga', 'POST', '/api/deployments', {
      modelId: model.id,
      providerId: ids.provider,
      upstreamModel: 'my-finetune',
    })
    expect(unknown.status).toBe(400)
    expect(unknown.body.error).toMatchObject({ param: 'prices' })
    const twin = await call('olga', 'POST', '/api/deployments', {
      modelId: model.id,
      providerId: ids.provider,
      upstreamModel: 'gpt-4o-mini',
    })
    expect(twin.status).toBe(409)
    const deployments = await call('olga', 'GET', `/api/deployments?modelId=${ids['model:small']}`)
    const [only] = deployments.body.data as Body[]
    const last = await call('olga', 'DELETE', `/api/deployments/${only?.id}`)
    expect(last.status).toBe(400)
    expect(last.body.error).toMatchObject({ message: expect.stringContaining('last deployment') })
    const bare = await call('olga', 'POST', '/api/models', { name: 'bare', deployments: [] })
    expect(bare.status).toBe(400)
    const route = await create('olga', '/api/routes', {
      name: 'resilient',
      strategy: 'least-latency',
      fallbackModelIds: [model.id],
    })
    expect(route).toMatchObject({
      strategy: 'least-latency',
      retries: { maxAttempts: 2 },
      fallbackOn: expect.any(Array),
    })
    expect(
      (await call('olga', 'POST', '/api/routes', { name: 'dangling', fallbackModelIds: ['model_nope'] })).status,
    ).toBe(400)
    const inUse = await call('olga', 'DELETE', `/api/models/${model.id}`)
    expect(inUse.status).toBe(400)
    expect(inUse.body.error).toMatchObject({ message: expect.stringContaining('resilient') })
    const allowed = await call('olga', 'DELETE', `/api/models/${ids['model:small']}`)
    expect(allowed.body.error).toMatchObject({ message: expect.stringContaining('allow-lists of red') })
    const typo = await call('olga', 'POST', '/api/teams', { orgId: ids.org, name: 'typo', allowedModels: ['gtp-4o'] })
    expect(typo.status).toBe(400)
    expect(typo.body.error).toMatchObject({ param: 'allowedModels', message: expect.stringContaining('gtp-4o') })
  })
})

describe('config as code over the API', () => {
  const yaml = { 'content-type': 'application/yaml' }
  async function applyText(who: string, text: string, query = '') {
    return call(who, 'POST', `/api/config/apply${query}`, text, yaml)
  }
  const file = ['version: 1', 'orgs: [{ name: acme }]', 'teams: [{ name: green, org: acme, displayName: Green }]'].join(
    '\n',
  )

  it('shows the diff on a dry run and writes nothing; applies, then applying again changes nothing', async () => {
    const dry = await applyText('bootstrap', file, '?dryRun=true')
    expect(dry.status).toBe(200)
    expect(dry.body).toMatchObject({ dryRun: true, revision: null })
    expect(dry.body.changes).toEqual([{ action: 'create', section: 'teams', name: 'acme/green' }])
    const teams = async () => (await call('bootstrap', 'GET', '/api/teams?limit=500')).body.data as Body[]
    expect((await teams()).map((team) => team.name)).not.toContain('green')

    const applied = await applyText('olga', file)
    expect(applied.body).toMatchObject({ dryRun: false, revision: 4242 })
    expect((await teams()).map((team) => team.name)).toContain('green')
    const audit = await call('olga', 'GET', '/api/audit-log?resourceType=team&limit=5')
    expect((audit.body.data as Body[])[0]).toMatchObject({ action: 'create', actorName: 'olga@acme.test' })
    const again = await applyText('olga', file)
    expect(again.body).toMatchObject({ changes: [], revision: null })
  })

  it('refuses an invalid file with every problem at its path, and team admins altogether', async () => {
    const invalid = await applyText('bootstrap', 'version: 1\nteams: [{ name: x, org: nowhere }]\nbogus: 1')
    expect(invalid.status).toBe(400)
    expect(invalid.body.error).toMatchObject({ code: 'invalid_config', type: 'invalid_request_error' })
    expect(invalid.body.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining('teams') })]),
    )
    expect((await applyText('alice', file)).status).toBe(403)
    expect((await call('alice', 'GET', '/api/config/export')).status).toBe(403)
    const newOrg = await applyText('olga', 'version: 1\norgs: [{ name: olgas-own }]')
    expect(newOrg.status).toBe(403)
    // A config file may be larger than other bodies, up to the loader's 4 MiB.
    const large = await applyText('bootstrap', `version: 1\n# ${'x'.repeat(2 * 1024 * 1024)}\n`, '?dryRun=true')
    expect(large.status).toBe(200)
    const tooLarge = await applyText('bootstrap', `version: 1\n# ${'x'.repeat(5 * 1024 * 1024)}\n`)
    expect(tooLarge.status).toBe(413)
  })

  it('exports the state as a file that applies back with no changes', async () => {
    const exported = await app.request('/api/config/export', { headers: { authorization: `Bearer ${BOOTSTRAP}` } })
    expect(exported.status).toBe(200)
    expect(exported.headers.get('content-type')).toContain('application/yaml')
    const text = await exported.text()
    expect(text).toContain('green')
    expect(text).not.toContain(UPSTREAM_SECRET)
    const reapplied = await applyText('bootstrap', text)
    expect(reapplied.status).toBe(200)
    expect(reapplied.body.changes).toEqual([])
    // Secrets are not in the file: the provider keeps its stored credentials, and says so.
    expect(reapplied.body.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ message: expect.stringContaining('keeps its stored credentials') }),
      ]),
    )
  })
})

describe('bad input', () => {
  it('answers malformed, mistyped, oversized and unknown-field bodies with a 4xx naming the problem', async () => {
    const malformed = await call('bootstrap', 'POST', '/api/teams', '{"orgId":')
    expect(malformed.status).toBe(400)
    expect(malformed.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' })
    const mistyped = await call('bootstrap', 'POST', '/api/teams', { orgId: ids.org, name: 42 })
    expect(mistyped.status).toBe(400)
    expect(mistyped.body.error).toMatchObject({ param: 'name' })
    const unknown = await call('bootstrap', 'POST', '/api/teams', { orgId: ids.org, name: 'x', owner: 'me' })
    expect(unknown.status).toBe(400)
    const unicode = await call('bootstrap', 'POST', '/api/teams', { orgId: ids.org, name: 'équipe 🚀' })
    expect(unicode.status).toBe(400)
    expect(unicode.body.error).toMatchObject({ param: 'name' })
    const huge = await call('bootstrap', 'POST', '/api/teams', {
      orgId: ids.org,
      name: 'x',
      displayName: 'x'.repeat(2 * 1024 * 1024),
    })
    expect(huge.status).toBe(413)
    const taken = await call('bootstrap', 'POST', '/api/teams', { orgId: ids.org, name: 'red' })
    expect(taken.status).toBe(409)
    expect(taken.body.error).toMatchObject({ code: 'conflict' })
    const inUse = await call('bootstrap', 'DELETE', `/api/teams/${ids.blue}`)
    expect(inUse.status).toBe(409)
    expect((await call('bootstrap', 'GET', '/api/teams?limit=0')).status).toBe(400)
    expect((await call('bootstrap', 'GET', '/api/teams/nope')).status).toBe(404)
  })
})

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1, public, and documents every admin route the app serves', async () => {
    const response = await app.request('/api/openapi.json')
    expect(response.status).toBe(200)
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> }
    expect(document.openapi).toBe('3.1.0')
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replaceAll(/\{(\w+)\}/g, ':$1')}`),
      ),
    )
    const served = app.routes
      .filter((route) => route.path.startsWith('/api/') && route.method !== 'ALL')
      .filter((route) => !['/api/openapi.json'].includes(route.path) && !route.path.startsWith('/api/reference'))
      .map((route) => `${route.method} ${route.path}`)
    expect(served.length).toBeGreaterThan(40)
    expect([...new Set(served)].filter((route) => !documented.has(route))).toEqual([])
    const reference = await app.request('/api/reference')
    expect(await reference.text()).toContain('/api/openapi.json')
    expect((await app.request('/api/reference/swagger-ui-bundle.js')).status).toBe(200)
  })
})
