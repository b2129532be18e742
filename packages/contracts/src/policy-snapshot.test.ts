import { describe, expect, it } from 'vitest'
import { PolicySnapshot, SNAPSHOT_SCHEMA_VERSION } from './policy-snapshot.ts'

const ENVELOPE = {
  alg: 'aes-256-gcm',
  keyId: 'k1',
  iv: 'AAECAwQFBgcICQoL',
  ciphertext: 'c2VjcmV0',
  tag: 'AAECAwQFBgcICQoLDA0ODw==',
}

function snapshot() {
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    revision: 7,
    generatedAt: '2026-01-31T12:00:00Z',
    orgs: [{ id: 'org_1', name: 'acme' }],
    teams: [{ id: 'team_1', orgId: 'org_1', name: 'platform', allowedModels: null }],
    projects: [{ id: 'proj_1', teamId: 'team_1', name: 'chatbot' }],
    keys: [
      {
        id: 'key_1',
        name: 'chatbot-prod',
        hash: 'a'.repeat(64),
        prefix: 'sy-abc1',
        orgId: 'org_1',
        teamId: 'team_1',
        projectId: 'proj_1',
        environment: 'production',
        userId: null,
        tags: { costCenter: 'cc-42' },
        allowedModels: ['gpt-4o-mini'],
        scopes: null,
        expiresAt: null,
        status: 'active',
      },
    ],
    jwtIssuers: [
      {
        id: 'iss_1',
        orgId: 'org_1',
        issuer: 'https://login.acme.example/',
        audiences: ['switchyard'],
        keySource: { kind: 'jwks_url', jwksUrl: 'https://login.acme.example/.well-known/jwks.json' },
        algorithms: ['RS256'],
        claims: { user: 'sub', team: 'groups', roles: null },
        clockToleranceSec: 30,
      },
    ],
    providers: [
      { id: 'prov_1', name: 'openai-prod', target: { type: 'openai' }, credentials: ENVELOPE },
      {
        id: 'prov_2',
        name: 'local',
        target: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:4010/openai/v1' },
        credentials: null,
      },
    ],
    models: [
      {
        id: 'model_1',
        name: 'gpt-4o-mini',
        routeId: 'route_1',
        deployments: [
          {
            id: 'dep_1',
            providerId: 'prov_1',
            upstreamModel: 'gpt-4o-mini',
            weight: 1,
            prices: { inputMicroUsdPerMTok: 150_000, outputMicroUsdPerMTok: 600_000 },
            limits: null,
          },
        ],
      },
    ],
    routes: [
      {
        id: 'route_1',
        name: 'default',
        strategy: 'weighted',
        retries: { maxAttempts: 2, initialBackoffMs: 200, maxBackoffMs: 2_000 },
        timeouts: { connectMs: 5_000, firstByteMs: 60_000, idleMs: 30_000, totalMs: 600_000 },
        fallbackOn: ['429', '5xx'],
        fallbackModelIds: [],
      },
    ],
    rateLimits: [{ id: 'rl_1', name: 'key-rpm', scope: { kind: 'key', id: 'key_1' }, requestsPerMinute: 60 }],
    budgets: [
      {
        id: 'budget_1',
        name: 'platform-monthly',
        scope: { kind: 'team', id: 'team_1' },
        window: 'monthly',
        timeZone: 'UTC',
        limitMicroUsd: 25_000_000,
        spentMicroUsd: 1_250_000,
        windowStartsAt: '2026-01-01T00:00:00Z',
        spentThrough: '2026-01-15T00:00:00Z',
        onExceed: { action: 'downgrade', modelId: 'model_1' },
        alertThresholdsPct: [50, 80, 100],
      },
    ],
  }
}

function problemsOf(input: unknown): string[] {
  const result = PolicySnapshot.safeParse(input)
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
}

describe('PolicySnapshot', () => {
  it('accepts a complete snapshot', () => {
    const parsed = PolicySnapshot.parse(snapshot())
    expect(parsed.revision).toBe(7)
    expect(parsed.budgets[0]?.limitMicroUsd).toBe(25_000_000)
  })

  it('refuses plaintext credentials', () => {
    const input = snapshot()
    Object.assign(input.providers[0] ?? {}, { credentials: { apiKey: 'sk-live' } })
    expect(problemsOf(input)).toContain('providers.0.credentials.alg: Invalid input: expected "aes-256-gcm"')
    Object.assign(input.providers[0] ?? {}, { credentials: ENVELOPE, apiKey: 'sk-live' })
    expect(problemsOf(input)).toEqual(['providers.0: Unrecognized key: "apiKey"'])
  })

  it('refuses fractional money and tokens', () => {
    const input = snapshot()
    Object.assign(input.budgets[0] ?? {}, { spentMicroUsd: 1.5 })
    expect(problemsOf(input)).toEqual(['budgets.0.spentMicroUsd: Invalid input: expected int, received number'])
  })

  it('refuses private or symmetric JWT keys', () => {
    const input = snapshot()
    Object.assign(input.jwtIssuers[0] ?? {}, {
      keySource: { kind: 'static', keys: [{ kty: 'RSA', n: 'xyz', e: 'AQAB', d: 'private' }] },
      algorithms: ['HS256'],
    })
    expect(problemsOf(input)).toEqual([
      'jwtIssuers.0.keySource.keys.0: must be a public key (private key members are not allowed)',
      'jwtIssuers.0.algorithms.0: Invalid option: expected one of "RS256"|"RS384"|"RS512"|"PS256"|"PS384"|"PS512"|"ES256"|"ES384"|"ES512"|"EdDSA"',
    ])
  })

  it('refuses dangling references and duplicate ids', () => {
    const input = snapshot()
    Object.assign(input.models[0]?.deployments[0] ?? {}, { providerId: 'prov_9' })
    Object.assign(input.budgets[0] ?? {}, { scope: { kind: 'team', id: 'team_9' } })
    input.orgs.push({ id: 'org_1', name: 'acme-2' })
    expect(problemsOf(input)).toEqual([
      'orgs.1.id: duplicate id "org_1"',
      'models.0.deployments.0.providerId: unknown provider id "prov_9"',
      'budgets.0.scope.id: unknown team id "team_9"',
    ])
  })

  it('refuses an unknown schema version', () => {
    expect(problemsOf({ ...snapshot(), schemaVersion: 2 })).toEqual(['schemaVersion: Invalid input: expected 1'])
  })
})
