import { RetryPolicy, RouteTimeouts } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { compileSnapshot, type PolicyState } from './compile-snapshot.ts'

const price = { inputMicroUsdPerMTok: 1, outputMicroUsdPerMTok: 2 }
const deployment = (id: string, modelId: string, position: number) => ({
  id,
  modelId,
  providerId: 'prov_a',
  upstreamModel: `upstream-${id}`,
  weight: 1,
  prices: price,
  limits: null,
  position,
})

const state: PolicyState = {
  orgs: [
    { id: 'org_b', name: 'beta' },
    { id: 'org_a', name: 'acme' },
  ],
  teams: [{ id: 'team_a', orgId: 'org_a', name: 'search', allowedModels: null }],
  projects: [],
  providers: [
    {
      id: 'prov_a',
      name: 'local',
      target: { type: 'openai-compatible', baseUrl: 'http://x.test/v1' },
      credentials: null,
    },
  ],
  routes: [
    {
      id: 'route_a',
      name: 'default',
      policy: {
        strategy: 'weighted',
        retries: RetryPolicy.parse({}),
        timeouts: RouteTimeouts.parse({}),
        fallbackOn: ['429'],
      },
      fallbackModelIds: ['model_small'],
    },
  ],
  models: [
    { id: 'model_small', name: 'small', routeId: null },
    { id: 'model_big', name: 'big', routeId: 'route_a' },
  ],
  deployments: [
    deployment('dep_z', 'model_big', 0),
    deployment('dep_a', 'model_big', 1),
    deployment('dep_s', 'model_small', 0),
  ],
  keys: [],
}

const reversed: PolicyState = Object.fromEntries(
  Object.entries(state).map(([section, rows]) => [section, [...rows].reverse()]),
) as unknown as PolicyState

describe('compileSnapshot', () => {
  it('orders sections by id and deployments by position, whatever order the rows came in', () => {
    const at = new Date('2026-11-01T00:00:00Z')
    const snapshot = compileSnapshot(reversed, 7, at)
    expect(JSON.stringify(snapshot)).toBe(JSON.stringify(compileSnapshot(state, 7, at)))
    expect(snapshot.orgs.map((org) => org.id)).toEqual(['org_a', 'org_b'])
    expect(snapshot.models.map((model) => [model.id, model.deployments.map((d) => d.id)])).toEqual([
      ['model_big', ['dep_z', 'dep_a']],
      ['model_small', ['dep_s']],
    ])
    expect(snapshot.routes[0]).toMatchObject({
      strategy: 'weighted',
      fallbackOn: ['429'],
      fallbackModelIds: ['model_small'],
    })
  })

  it('refuses state whose references dangle', () => {
    const dangling = { ...state, routes: state.routes.map((route) => ({ ...route, fallbackModelIds: ['model_gone'] })) }
    expect(() => compileSnapshot(dangling, 1, new Date())).toThrow(/unknown model id .*model_gone/)
  })
})
