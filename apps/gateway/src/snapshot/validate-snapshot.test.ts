import { PolicySnapshot } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import {
  isKeyFastPathUsable,
  validateSnapshot,
  validateWithKeyFastPath,
  validateWithSchema,
} from './validate-snapshot.ts'

const key = (i: number, override: Record<string, unknown> = {}) => ({
  id: `key_${i}`,
  name: `key-${i}`,
  hash: 'a'.repeat(63) + (i % 10),
  prefix: 'sk-sy-abcd',
  orgId: 'org_1',
  teamId: 'team_1',
  projectId: i % 2 === 0 ? 'proj_1' : null,
  environment: 'production',
  userId: i % 3 === 0 ? null : `user-${i}@example.com`,
  tags: { costCenter: `cc-${i}`, 'app.v2': 'x' },
  allowedModels: i % 4 === 0 ? ['gpt-4o-mini', 'openai/gpt-4o:latest'] : null,
  scopes: i % 2 === 0 ? null : ['chat', 'models'],
  expiresAt: i % 5 === 0 ? '2027-01-01T00:00:00.000Z' : null,
  status: (['active', 'revoked', 'blocked'] as const)[i % 3],
  ...override,
})

const snapshot = (keys: unknown[], override: Record<string, unknown> = {}) => ({
  schemaVersion: 1,
  revision: 3,
  generatedAt: '2026-11-01T00:00:00.000Z',
  orgs: [{ id: 'org_1', name: 'acme' }],
  teams: [{ id: 'team_1', orgId: 'org_1', name: 'search', allowedModels: null }],
  projects: [{ id: 'proj_1', teamId: 'team_1', name: 'ranking' }],
  keys,
  jwtIssuers: [],
  providers: [],
  models: [],
  routes: [],
  rateLimits: [],
  budgets: [],
  ...override,
})

/** Edge cases for each key field: some at the schema's limits (accepted), some one past them. */
const keyVariants: Record<string, unknown>[] = [
  { id: '' },
  { id: 'x'.repeat(128) },
  { id: 'x'.repeat(129) },
  { id: 7 },
  { name: 'a'.repeat(64) },
  { name: 'a'.repeat(65) },
  { name: '-lead' },
  { name: 'has space' },
  { hash: 'A'.repeat(64) },
  { hash: 'a'.repeat(65) },
  { prefix: 'abc' },
  { prefix: 'a'.repeat(32) },
  { prefix: 'a'.repeat(33) },
  { orgId: 'org_missing' },
  { teamId: 'team_missing' },
  { teamId: null },
  { projectId: 'proj_missing' },
  { environment: '' },
  { environment: 'e'.repeat(64) },
  { environment: 'e'.repeat(65) },
  { userId: '' },
  { userId: 'u'.repeat(256) },
  { userId: 'u'.repeat(257) },
  { tags: {} },
  { tags: { 'bad name': 'x' } },
  { tags: { ok: 'v'.repeat(256) } },
  { tags: { ok: 'v'.repeat(257) } },
  { tags: { ok: 3 } },
  { tags: [] },
  { tags: null },
  { allowedModels: [] },
  { allowedModels: ['bad model'] },
  { allowedModels: ['m'.repeat(128)] },
  { allowedModels: ['m'.repeat(129)] },
  { allowedModels: 'gpt-4o' },
  { scopes: [] },
  { scopes: ['chat', 'telepathy'] },
  { scopes: 'chat' },
  { expiresAt: '2027-01-01T00:00:00+02:00' },
  { expiresAt: '2027-02-30T00:00:00Z' },
  { expiresAt: '2027-01-01' },
  { expiresAt: 0 },
  { status: 'paused' },
  { status: undefined },
  { extra: true },
]

describe('validateSnapshot', () => {
  it('knows every field of the contract’s key (otherwise it always takes the schema)', () => {
    expect(isKeyFastPathUsable).toBe(true)
  })

  it('accepts what the schema accepts and returns what it returns', () => {
    const json = snapshot(Array.from({ length: 50 }, (_, i) => key(i)))
    expect(validateWithKeyFastPath(json)).toEqual({ success: true, data: PolicySnapshot.parse(json) })
    expect(validateSnapshot(json)).toEqual({ success: true, data: PolicySnapshot.parse(json) })
  })

  it.each(keyVariants)('gives the schema’s verdict and reason for a key with %o', (variant) => {
    const keys = [key(1), key(2), key(3, variant)]
    const json = snapshot(keys)
    const expected = validateWithSchema(json)
    // The fast path accepts exactly what the schema accepts, and returns the same snapshot.
    expect(validateWithKeyFastPath(json)).toEqual(expected.success ? expected : null)
    expect(validateSnapshot(json)).toEqual(expected)
  })

  it('refuses duplicate key ids and a key missing a field, as the schema does', () => {
    const duplicate = snapshot([key(1), key(2), { ...key(3), id: 'key_1' }])
    expect(validateSnapshot(duplicate)).toEqual({ success: false, reason: 'keys.2.id: duplicate id "key_1"' })
    const { status: _status, ...withoutStatus } = key(4)
    expect(validateSnapshot(snapshot([withoutStatus])).success).toBe(false)
  })

  it('checks scopes that name keys against every key, and refuses a bad section elsewhere', () => {
    const limit = (id: string) => ({ id: 'rl_1', name: 'per-key', scope: { kind: 'key', id }, requestsPerMinute: 10 })
    const keys = Array.from({ length: 5 }, (_, i) => key(i))
    for (const json of [
      snapshot(keys, { rateLimits: [limit('key_4')] }),
      snapshot(keys, { rateLimits: [limit('key_missing')] }),
      snapshot(keys, { orgs: [{ id: 'org_1', name: 'acme', extra: 1 }] }),
      snapshot(keys, { revision: 0 }),
      snapshot('keys' as never),
      [],
      null,
    ]) {
      const expected = validateWithSchema(json)
      expect(validateWithKeyFastPath(json)).toEqual(expected.success ? expected : null)
      expect(validateSnapshot(json)).toEqual(expected)
    }
  })
})
