import type { ChatCompletionRequest } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import type { RuntimeKey } from '../policy/runtime-policy.ts'
import { cacheScopeId, canonicalJson, chatCacheKey } from './cache-key.ts'

const request: ChatCompletionRequest = {
  model: 'gpt',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hello' },
  ],
  temperature: 0,
  max_tokens: 50,
}

const key = (fields: Partial<RuntimeKey> = {}): RuntimeKey => ({
  id: 'key_a',
  orgId: 'org_1',
  teamId: 'team_1',
  projectId: null,
  environment: null,
  userId: null,
  tags: {},
  allowedModels: null,
  expiresAtMs: null,
  status: 'active',
  ...fields,
})

const keyOf = (body: ChatCompletionRequest, model = 'model_1', scope = 'org_1/team_1') =>
  chatCacheKey(body, model, scope)

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order and leaves undefined members out', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined, b: null } })).toBe('{"a":{"b":null,"d":[2,1]},"b":1}')
    expect(canonicalJson([{ y: 1, x: 2 }])).toBe('[{"x":2,"y":1}]')
  })
})

describe('chatCacheKey', () => {
  it('is the same whatever the order of the fields', () => {
    const reordered = JSON.parse(
      '{"max_tokens":50,"temperature":0,"messages":[{"content":"Be brief.","role":"system"},{"content":"Hello","role":"user"}],"model":"gpt"}',
    )
    expect(keyOf(reordered)).toBe(keyOf(request))
  })

  it('is not split by streaming, usage options, the caller or its metadata', () => {
    const streamed = {
      ...request,
      stream: true,
      stream_options: { include_usage: true },
      user: 'u-42',
      metadata: { trace: 'abc' },
      store: true,
      temperature: 0,
    }
    expect(keyOf(streamed)).toBe(keyOf(request))
  })

  it('reads a top-level null as the default it stands for', () => {
    expect(keyOf({ ...request, top_p: null, seed: null })).toBe(keyOf(request))
  })

  it('changes with anything that may change the answer', () => {
    const base = keyOf(request)
    expect(keyOf({ ...request, temperature: 1 })).not.toBe(base)
    expect(keyOf({ ...request, max_tokens: 51 })).not.toBe(base)
    expect(keyOf({ ...request, messages: [...request.messages].reverse() })).not.toBe(base)
    expect(keyOf({ ...request, messages: [{ role: 'user', content: 'Hello ' }] })).not.toBe(base)
    expect(keyOf({ ...request, response_format: { type: 'json_object' } })).not.toBe(base)
    expect(keyOf({ ...request, logprobs: true })).not.toBe(base)
  })

  it('separates models and scopes', () => {
    expect(keyOf(request, 'model_2')).not.toBe(keyOf(request))
    expect(keyOf(request, 'model_1', 'org_1/team_2')).not.toBe(keyOf(request))
  })

  it('ignores the model name: the model id given stands for it', () => {
    expect(keyOf({ ...request, model: 'alias' })).toBe(keyOf(request))
  })
})

describe('cacheScopeId', () => {
  it('names the team under team scope, the key under key scope, the org under org scope', () => {
    expect(cacheScopeId('team', key())).toBe('org:org_1/team:team_1')
    expect(cacheScopeId('key', key())).toBe('org:org_1/key:key_a')
    expect(cacheScopeId('org', key())).toBe('org:org_1')
  })

  it('keeps a key without a team to itself under team scope', () => {
    expect(cacheScopeId('team', key({ teamId: null }))).toBe('org:org_1/key:key_a')
  })

  it('keeps a JWT caller to its user under key scope (the issuer is not a key)', () => {
    const jwt = key({ id: 'jwt:iss_1', userId: 'alice', jwt: { issuerId: 'iss_1', roles: [] } })
    expect(cacheScopeId('key', jwt)).toBe('org:org_1/jwt:iss_1/user:alice')
    expect(cacheScopeId('key', { ...jwt, userId: 'bob' })).not.toBe(cacheScopeId('key', jwt))
  })
})
