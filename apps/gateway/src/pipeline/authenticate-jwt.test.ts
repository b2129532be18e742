import { randomBytes } from 'node:crypto'
import { type JwtIssuer, PolicySnapshot } from '@switchyard/contracts'
import { HttpError } from '@switchyard/http-server'
import { JwksCache } from '@switchyard/jwt-auth'
import { startTestIssuer, type TestIssuer } from '@switchyard/jwt-auth/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compileRuntimePolicy } from '../policy/runtime-policy.ts'
import { authenticateCaller } from './authenticate-caller.ts'
import { JwtAuthenticator, looksLikeJwt } from './authenticate-jwt.ts'
import { KeyHasher } from './key-hasher.ts'

let idp: TestIssuer

beforeAll(async () => {
  idp = await startTestIssuer()
  await idp.addKey('ES256')
})
afterAll(() => idp.close())

function issuer(overrides: Partial<JwtIssuer> = {}): JwtIssuer {
  return {
    id: 'iss_1',
    orgId: 'org_1',
    issuer: idp.issuer,
    audiences: ['switchyard'],
    keySource: { kind: 'jwks_url', jwksUrl: idp.jwksUrl },
    algorithms: ['ES256'],
    claims: { user: 'sub', team: 'team', roles: 'roles' },
    clockToleranceSec: 0,
    ...overrides,
  }
}

function snapshot(revision: number, jwtIssuers: JwtIssuer[]): PolicySnapshot {
  return PolicySnapshot.parse({
    schemaVersion: 1,
    revision,
    generatedAt: '2026-11-01T00:00:00.000Z',
    orgs: [
      { id: 'org_1', name: 'acme' },
      { id: 'org_2', name: 'globex' },
    ],
    teams: [
      { id: 'team_search', orgId: 'org_1', name: 'search', allowedModels: ['gpt-small'] },
      { id: 'team_open', orgId: 'org_1', name: 'open', allowedModels: null },
      { id: 'team_other', orgId: 'org_2', name: 'elsewhere', allowedModels: null },
    ],
    projects: [],
    keys: [],
    jwtIssuers,
    providers: [],
    models: [],
    routes: [],
    rateLimits: [],
    budgets: [],
  })
}

const claims = { sub: 'ada', aud: 'switchyard', team: 'search', roles: ['dev'] }

async function refusal(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(HttpError)
  return error as HttpError
}

describe('looksLikeJwt', () => {
  it('tells compact JWS from virtual keys', async () => {
    expect(looksLikeJwt(await idp.sign(claims))).toBe(true)
    expect(looksLikeJwt('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.')).toBe(true)
    expect(looksLikeJwt(`sk-sy-${randomBytes(24).toString('base64url')}`)).toBe(false)
    expect(looksLikeJwt('a.b')).toBe(false)
    expect(looksLikeJwt('a.b.c.d')).toBe(false)
  })
})

describe('JwtAuthenticator', () => {
  it("attributes a caller to the issuer's org, the named team and the user, with the team's allow-list", async () => {
    const auth = new JwtAuthenticator({ jwksCache: new JwksCache(), now: Date.now })
    const key = await auth.authenticate(snapshot(1, [issuer()]), await idp.sign(claims))
    expect(key).toMatchObject({
      id: 'jwt:iss_1',
      orgId: 'org_1',
      teamId: 'team_search',
      userId: 'ada',
      status: 'active',
      jwt: { issuerId: 'iss_1', roles: ['dev'] },
    })
    expect([...(key.allowedModels ?? [])]).toEqual(['gpt-small'])
    const open = await auth.authenticate(snapshot(1, [issuer()]), await idp.sign({ ...claims, team: 'open' }))
    expect(open.allowedModels).toBeNull()
  })

  it("refuses a team that is not in the issuer's org, or a missing team claim, with 403", async () => {
    const auth = new JwtAuthenticator({ jwksCache: new JwksCache(), now: Date.now })
    const policy = snapshot(1, [issuer()])
    const unknown = await refusal(auth.authenticate(policy, await idp.sign({ ...claims, team: 'elsewhere' })))
    expect(unknown).toMatchObject({ status: 403, code: 'unknown_team' })
    const missing = await refusal(auth.authenticate(policy, await idp.sign({ ...claims, team: undefined })))
    expect(missing).toMatchObject({ status: 403, code: 'team_claim_missing' })
  })

  it('limits a caller to the models of its roles, within its team’s allow-list', async () => {
    const auth = new JwtAuthenticator({ jwksCache: new JwksCache(), now: Date.now })
    const roleAllowedModels = { dev: ['gpt-small', 'gpt-large'], analyst: ['gpt-cheap'] }
    const policy = snapshot(1, [issuer({ claims: { user: 'sub', team: 'team', roles: 'roles', roleAllowedModels } })])
    const dev = await auth.authenticate(policy, await idp.sign({ ...claims, team: 'open' }))
    expect([...(dev.allowedModels ?? [])].sort()).toEqual(['gpt-large', 'gpt-small'])
    const both = await auth.authenticate(policy, await idp.sign({ ...claims, team: 'open', roles: ['dev', 'analyst'] }))
    expect([...(both.allowedModels ?? [])].sort()).toEqual(['gpt-cheap', 'gpt-large', 'gpt-small'])
    // The team allows only gpt-small: the role cannot widen it.
    const inSearch = await auth.authenticate(policy, await idp.sign(claims))
    expect([...(inSearch.allowedModels ?? [])]).toEqual(['gpt-small'])
    // A role the issuer lists no models for gets none (fail closed), even inherited names from Object.
    const none = await auth.authenticate(
      policy,
      await idp.sign({ ...claims, team: 'open', roles: ['guest', 'constructor'] }),
    )
    expect([...(none.allowedModels ?? ['x'])]).toEqual([])
  })

  it('attributes no team when the issuer maps no team claim', async () => {
    const auth = new JwtAuthenticator({ jwksCache: new JwksCache(), now: Date.now })
    const policy = snapshot(1, [issuer({ claims: { user: 'sub', team: null, roles: null } })])
    const key = await auth.authenticate(policy, await idp.sign(claims))
    expect(key).toMatchObject({ teamId: null, allowedModels: null, jwt: { roles: [] } })
  })

  it('maps verification failures to 401 with the reason as code, and an unreachable JWKS to 503', async () => {
    const auth = new JwtAuthenticator({ jwksCache: new JwksCache(), now: Date.now })
    const expired = await idp.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 })
    expect(await refusal(auth.authenticate(snapshot(1, [issuer()]), expired))).toMatchObject({
      status: 401,
      type: 'authentication_error',
      code: 'token_expired',
    })
    const down = snapshot(1, [issuer({ keySource: { kind: 'jwks_url', jwksUrl: 'http://127.0.0.1:9/jwks' } })])
    expect(await refusal(auth.authenticate(down, await idp.sign(claims)))).toMatchObject({
      status: 503,
      code: 'jwks_unavailable',
    })
  })

  it('keeps warm keys when a new snapshot with the same issuer arrives', async () => {
    const auth = new JwtAuthenticator({ jwksCache: new JwksCache(), now: Date.now })
    const token = await idp.sign(claims)
    const before = idp.jwksRequests
    await auth.authenticate(snapshot(1, [issuer()]), token)
    await auth.authenticate(snapshot(2, [issuer({ audiences: ['switchyard', 'more'] })]), token)
    expect(idp.jwksRequests).toBe(before + 1)
    // An issuer the new snapshot dropped no longer verifies, even for a token seen before.
    expect(
      await refusal(auth.authenticate(snapshot(3, [issuer({ issuer: 'https://other.example' })]), token)),
    ).toMatchObject({
      status: 401,
      code: 'unknown_issuer',
    })
  })
})

describe('authenticateCaller', () => {
  it('looks a JWT up as a key when the snapshot has no issuers, and a key as a key when it has some', async () => {
    const deps = {
      keyHasher: new KeyHasher(randomBytes(32)),
      jwtAuth: new JwtAuthenticator({ jwksCache: new JwksCache(), now: Date.now }),
      now: Date.now,
    }
    const token = await idp.sign(claims)
    const headers = (bearer: string) => new Headers({ authorization: `Bearer ${bearer}` })
    const withoutIssuers = snapshot(1, [])
    const loaded = { snapshot: withoutIssuers, policy: compileRuntimePolicy(withoutIssuers, undefined) }
    expect(() => authenticateCaller(deps, loaded, headers(token))).toThrow('Incorrect API key')
    const withIssuers = snapshot(2, [issuer()])
    const both = { snapshot: withIssuers, policy: compileRuntimePolicy(withIssuers, undefined) }
    expect(() => authenticateCaller(deps, both, headers('sk-sy-unknown'))).toThrow('Incorrect API key')
    await expect(authenticateCaller(deps, both, headers(token))).resolves.toMatchObject({ userId: 'ada' })
  })
})
