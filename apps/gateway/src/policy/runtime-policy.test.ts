import { randomBytes } from 'node:crypto'
import { PolicySnapshot } from '@switchyard/contracts'
import { encryptJson, hashApiKey, parseKeyring } from '@switchyard/secrets'
import { describe, expect, it } from 'vitest'
import { authenticateKey, presentedKey } from '../pipeline/authenticate.ts'
import { KeyHasher } from '../pipeline/key-hasher.ts'
import { pickWeighted } from '../routing/select-deployment.ts'
import { compileRuntimePolicy, PolicyCompileError } from './runtime-policy.ts'

const keyring = parseKeyring(`k1:${randomBytes(32).toString('base64')}`)
const pepper = Buffer.from('a-test-pepper-of-enough-length')
const price = { inputMicroUsdPerMTok: 150_000, outputMicroUsdPerMTok: 600_000 }

function snapshot(overrides: Partial<Record<string, unknown>> = {}) {
  return PolicySnapshot.parse({
    schemaVersion: 1,
    revision: 4,
    generatedAt: '2026-11-01T00:00:00.000Z',
    orgs: [{ id: 'org', name: 'acme' }],
    teams: [{ id: 'team', orgId: 'org', name: 'search', allowedModels: ['small', 'large'] }],
    projects: [],
    keys: [
      key('live', 'sk-live', { allowedModels: ['small', 'other'] }),
      key('revoked', 'sk-revoked', { status: 'revoked' }),
      key('expired', 'sk-expired', { expiresAt: '2026-01-01T00:00:00Z' }),
    ],
    jwtIssuers: [],
    providers: [
      {
        id: 'prov_a',
        name: 'openai-main',
        target: { type: 'openai' },
        credentials: encryptJson(keyring, { type: 'openai', apiKey: 'sk-upstream' }, 'prov_a'),
      },
      {
        id: 'prov_b',
        name: 'local',
        target: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1' },
        credentials: null,
      },
    ],
    models: [
      {
        id: 'model_small',
        name: 'small',
        routeId: null,
        deployments: [
          { id: 'dep_a', providerId: 'prov_a', upstreamModel: 'gpt-4o-mini', weight: 3, prices: price, limits: null },
          { id: 'dep_b', providerId: 'prov_b', upstreamModel: 'llama', weight: 1, prices: price, limits: null },
        ],
      },
    ],
    routes: [],
    rateLimits: [],
    budgets: [],
    ...overrides,
  })
}

function key(id: string, secret: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    name: id,
    hash: hashApiKey(pepper, secret),
    prefix: secret.slice(0, 6),
    orgId: 'org',
    teamId: 'team',
    projectId: null,
    environment: 'production',
    userId: null,
    tags: { app: 'search' },
    allowedModels: null,
    scopes: null,
    expiresAt: null,
    status: 'active',
    ...overrides,
  }
}

describe('compileRuntimePolicy', () => {
  it('decrypts provider credentials once and indexes models', () => {
    const policy = compileRuntimePolicy(snapshot(), keyring)
    const model = policy.models.get('small')
    expect(model?.totalWeight).toBe(4)
    expect(model?.deployments[0]?.provider.credentials).toEqual({ type: 'openai', apiKey: 'sk-upstream' })
    expect(model?.deployments[1]?.provider.credentials).toBeNull()
    expect(model?.timeouts).toEqual({ connectMs: 5_000, firstByteMs: 60_000, idleMs: 30_000, totalMs: 600_000 })
  })

  it('refuses the snapshot when credentials cannot be opened', () => {
    expect(() => compileRuntimePolicy(snapshot(), undefined)).toThrow(PolicyCompileError)
    expect(() => compileRuntimePolicy(snapshot(), parseKeyring(`k1:${randomBytes(32).toString('base64')}`))).toThrow(
      'did not authenticate',
    )
  })

  it('intersects the key allow-list with the team allow-list', () => {
    const live = compileRuntimePolicy(snapshot(), keyring).keysByHash.get(hashApiKey(pepper, 'sk-live'))
    expect([...(live?.allowedModels ?? [])]).toEqual(['small'])
  })

  it('shares one allow-list Set between keys with the same lists, and keeps different ones apart', () => {
    const policy = compileRuntimePolicy(
      snapshot({
        teams: [
          { id: 'team', orgId: 'org', name: 'search', allowedModels: ['small', 'large'] },
          { id: 'team_2', orgId: 'org', name: 'ads', allowedModels: ['small'] },
          { id: 'team_3', orgId: 'org', name: 'open', allowedModels: null },
        ],
        keys: [
          key('inherits_1', 'sk-1'),
          key('inherits_2', 'sk-2'),
          key('other_team', 'sk-3', { teamId: 'team_2' }),
          key('own_list_1', 'sk-4', { allowedModels: ['small'] }),
          key('own_list_2', 'sk-5', { allowedModels: ['small'] }),
          key('own_list_other_team', 'sk-6', { teamId: 'team_2', allowedModels: ['large'] }),
          key('open', 'sk-7', { teamId: 'team_3' }),
          key('scoped_1', 'sk-8', { scopes: ['chat'] }),
          key('scoped_2', 'sk-9', { scopes: ['chat'] }),
        ],
      }),
      keyring,
    )
    const get = (secret: string) => policy.keysByHash.get(hashApiKey(pepper, secret))
    expect(get('sk-1')?.allowedModels).toBe(get('sk-2')?.allowedModels)
    expect([...(get('sk-1')?.allowedModels ?? [])]).toEqual(['small', 'large'])
    expect([...(get('sk-3')?.allowedModels ?? [])]).toEqual(['small'])
    expect(get('sk-4')?.allowedModels).toBe(get('sk-5')?.allowedModels)
    expect(get('sk-4')?.allowedModels).not.toBe(get('sk-1')?.allowedModels)
    expect([...(get('sk-6')?.allowedModels ?? [])]).toEqual([])
    expect([...(get('sk-5')?.allowedModels ?? [])]).toEqual(['small'])
    expect(get('sk-7')?.allowedModels).toBeNull()
    expect(get('sk-8')?.scopes).toBe(get('sk-9')?.scopes)
    expect([...(get('sk-8')?.scopes ?? [])]).toEqual(['chat'])
  })
})

describe('authenticateKey', () => {
  const policy = compileRuntimePolicy(snapshot(), keyring)
  const now = Date.parse('2026-11-22T00:00:00Z')
  const hasher = new KeyHasher(pepper, 2)

  it('finds a live key by its keyed hash', () => {
    expect(authenticateKey(policy, hasher, 'sk-live', now)).toMatchObject({ id: 'live', tags: { app: 'search' } })
  })

  it.each([
    [undefined, 'missing_api_key'],
    ['sk-unknown', 'invalid_api_key'],
    ['sk-revoked', 'api_key_revoked'],
    ['sk-expired', 'api_key_expired'],
  ])('refuses %s with 401 %s and never echoes the key', (presented, code) => {
    try {
      authenticateKey(policy, hasher, presented, now)
      throw new Error('expected a refusal')
    } catch (error) {
      expect(error).toMatchObject({ status: 401, code })
      expect((error as Error).message).not.toContain(presented ?? '\u0000')
    }
  })

  it('remembers only keys that matched, bounded, and answers the same from memory', () => {
    const bounded = new KeyHasher(pepper, 1)
    expect(authenticateKey(policy, bounded, 'sk-live', now).id).toBe('live')
    expect(bounded.hash('sk-live')).toBe(hashApiKey(pepper, 'sk-live'))
    expect(() => authenticateKey(policy, bounded, 'sk-unknown', now)).toThrow('Incorrect API key')
    expect(authenticateKey(policy, bounded, 'sk-live', now).id).toBe('live')
  })

  it('reads Bearer and x-api-key, Bearer first', () => {
    expect(presentedKey(new Headers({ authorization: 'Bearer sk-a' }))).toBe('sk-a')
    expect(presentedKey(new Headers({ 'x-api-key': 'sk-b' }))).toBe('sk-b')
    expect(presentedKey(new Headers({ authorization: 'Basic abc' }))).toBeUndefined()
  })
})

describe('pickWeighted', () => {
  it('splits by weight', () => {
    const model = compileRuntimePolicy(snapshot(), keyring).models.get('small')
    if (!model) throw new Error('model missing')
    expect(pickWeighted(model.deployments, 0).id).toBe('dep_a')
    expect(pickWeighted(model.deployments, 0.74).id).toBe('dep_a')
    expect(pickWeighted(model.deployments, 0.75).id).toBe('dep_b')
    expect(pickWeighted(model.deployments, 0.999999).id).toBe('dep_b')
  })
})

function deployment(id: string, weight: number, prices = price) {
  return { id, providerId: 'prov_b', upstreamModel: `up-${id}`, weight, prices, limits: null }
}

function routed() {
  return snapshot({
    models: [
      { id: 'model_a', name: 'a', routeId: 'route_a', deployments: [deployment('a1', 1), deployment('a2', 0)] },
      { id: 'model_b', name: 'b', routeId: 'route_b', deployments: [deployment('b1', 0), deployment('b2', 0)] },
      { id: 'model_c', name: 'c', routeId: null, deployments: [deployment('c1', 1)] },
    ],
    routes: [
      {
        id: 'route_a',
        name: 'a-route',
        strategy: 'least-latency',
        retries: { maxAttempts: 4, initialBackoffMs: 10, maxBackoffMs: 100 },
        timeouts: { totalMs: 1_000 },
        fallbackOn: ['5xx', 429, 'context_length'],
        fallbackModelIds: ['model_b', 'model_c', 'model_b', 'model_a'],
      },
      { id: 'route_b', name: 'b-route', fallbackModelIds: ['model_a'] },
    ],
  })
}

describe('compileRuntimePolicy: routes', () => {
  const policy = compileRuntimePolicy(routed(), keyring)
  const model = (name: string) => {
    const found = policy.models.get(name)
    if (!found) throw new Error(`model ${name} missing`)
    return found
  }

  it('compiles strategy, retries, timeouts and fallbackOn (as a set, 429 normalised)', () => {
    const route = model('a').route
    expect(route.strategy).toBe('least-latency')
    expect(route.retries).toEqual({ maxAttempts: 4, initialBackoffMs: 10, maxBackoffMs: 100 })
    expect(route.timeouts.totalMs).toBe(1_000)
    expect(model('a').timeouts).toBe(route.timeouts)
    expect([...route.fallbackOn]).toEqual(['5xx', '429', 'context_length'])
  })

  it('gives a model without a route the built-in defaults', () => {
    const route = model('c').route
    expect(route).toMatchObject({ id: null, strategy: 'weighted', fallbacks: [] })
    expect(route.retries).toEqual({ maxAttempts: 2, initialBackoffMs: 200, maxBackoffMs: 2_000 })
    expect([...route.fallbackOn]).toEqual(['429', '5xx', 'timeout', 'connection_error'])
  })

  it('resolves fallbacks to the compiled models, in order, once each, cycles included', () => {
    expect(model('a').route.fallbacks.map((fallback) => fallback.name)).toEqual(['b', 'c', 'a'])
    expect(model('a').route.fallbacks[0]).toBe(model('b'))
    expect(model('b').route.fallbacks[0]).toBe(model('a'))
  })

  it('serves only deployments with weight, unless every weight is 0', () => {
    expect(model('a').servingDeployments.map((d) => d.id)).toEqual(['a1'])
    expect(model('b').servingDeployments.map((d) => d.id)).toEqual(['b1', 'b2'])
  })

  it('ranks deployments by input + output price', () => {
    expect(model('a').deployments[0]?.costRankMicroUsd).toBe(750_000)
  })
})
