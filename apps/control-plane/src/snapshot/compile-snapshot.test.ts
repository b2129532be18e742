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
  jwtIssuers: [
    {
      id: 'jwt_a',
      orgId: 'org_a',
      issuer: 'https://idp.acme.test',
      audiences: ['switchyard'],
      keySource: { kind: 'jwks_url', jwksUrl: 'https://idp.acme.test/jwks' },
      algorithms: ['RS256'],
      claims: { user: 'sub', team: 'groups', roles: null },
      clockToleranceSec: 30,
    },
  ],
  rateLimits: [
    {
      id: 'rl_b',
      name: 'small-rpm',
      scope: { kind: 'model', id: 'model_small' },
      requestsPerMinute: 60,
      tokensPerMinute: null,
    },
    {
      id: 'rl_a',
      name: 'search-tpm',
      scope: { kind: 'team', id: 'team_a' },
      requestsPerMinute: null,
      tokensPerMinute: 9000,
    },
  ],
  budgets: [
    {
      id: 'budget_paris',
      orgId: 'org_a',
      name: 'search-weekly',
      scope: { kind: 'team', id: 'team_a' },
      window: 'weekly',
      timeZone: 'Europe/Paris',
      limitMicroUsd: 12_500_000,
      alertThresholdsPct: [80, 100],
      onExceed: { action: 'downgrade', modelId: 'model_small' },
    },
    {
      id: 'budget_tag',
      orgId: 'org_a',
      name: 'ml-monthly',
      scope: { kind: 'tag', name: 'costCenter', value: 'ml' },
      window: 'monthly',
      timeZone: 'UTC',
      limitMicroUsd: 500_000_000,
      alertThresholdsPct: [50, 80, 100],
      onExceed: { action: 'reject' },
    },
  ],
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

  it('compiles JWT issuers, rate limits and budgets, each budget in the window in force at compile time', () => {
    // Monday 2026-03-30 00:30 in Paris (UTC+2 since Sunday's change): a new week has just begun,
    // while March is still the month under UTC.
    const snapshot = compileSnapshot(state, 3, new Date('2026-03-29T22:30:00Z'))
    expect(snapshot.jwtIssuers).toEqual(state.jwtIssuers)
    expect(snapshot.rateLimits).toEqual([
      { id: 'rl_a', name: 'search-tpm', scope: { kind: 'team', id: 'team_a' }, tokensPerMinute: 9000 },
      { id: 'rl_b', name: 'small-rpm', scope: { kind: 'model', id: 'model_small' }, requestsPerMinute: 60 },
    ])
    expect(snapshot.budgets.map((b) => [b.id, b.windowStartsAt, b.spentMicroUsd, b.limitMicroUsd])).toEqual([
      ['budget_paris', '2026-03-29T22:00:00.000Z', 0, 12_500_000],
      ['budget_tag', '2026-03-01T00:00:00.000Z', 0, 500_000_000],
    ])
    expect(snapshot.budgets[0]?.onExceed).toEqual({ action: 'downgrade', modelId: 'model_small' })
    // Half an hour earlier it was still Sunday in Paris: the previous week, begun under UTC+1.
    const before = compileSnapshot(state, 3, new Date('2026-03-29T21:30:00Z'))
    expect(before.budgets[0]?.windowStartsAt).toBe('2026-03-22T23:00:00.000Z')
  })

  it('leaves out a model without deployments, and the fallbacks, model limits and downgrades that name it', () => {
    const withoutSmall = {
      ...state,
      deployments: state.deployments.filter((d) => d.modelId !== 'model_small'),
      rateLimits: [
        ...state.rateLimits,
        {
          id: 'rl_model',
          name: 'small-rpm',
          scope: { kind: 'model' as const, id: 'model_small' },
          requestsPerMinute: 5,
          tokensPerMinute: null,
        },
      ],
    }
    const snapshot = compileSnapshot(withoutSmall, 3, new Date('2026-03-15T12:00:00Z'))
    expect(snapshot.models.map((m) => m.id)).toEqual(['model_big'])
    expect(snapshot.routes[0]?.fallbackModelIds).toEqual([])
    expect(snapshot.rateLimits.map((limit) => limit.id)).not.toContain('rl_model')
    expect(snapshot.budgets[0]?.onExceed).toEqual({ action: 'reject' })
    // With its deployment back, the model and everything naming it return.
    const whole = compileSnapshot(
      { ...withoutSmall, deployments: state.deployments },
      4,
      new Date('2026-03-15T12:00:00Z'),
    )
    expect(whole.rateLimits.map((limit) => limit.id)).toContain('rl_model')
    expect(whole.budgets[0]?.onExceed).toEqual({ action: 'downgrade', modelId: 'model_small' })
  })

  it('takes a budget’s starting spend from its baseline, only for the window it was read in', () => {
    const baselines = new Map([
      ['budget_tag', { spentMicroUsd: 7_000_000, spentThrough: new Date('2026-03-15T10:00:00Z') }],
    ])
    const snapshot = compileSnapshot({ ...state, budgetBaselines: baselines }, 5, new Date('2026-03-15T12:00:00Z'))
    const tagged = snapshot.budgets.find((budget) => budget.id === 'budget_tag')
    expect(tagged).toMatchObject({
      spentMicroUsd: 7_000_000,
      windowStartsAt: '2026-03-01T00:00:00.000Z',
      spentThrough: '2026-03-15T10:00:00.000Z',
    })
    const other = snapshot.budgets.find((budget) => budget.id === 'budget_paris')
    expect(other).toMatchObject({ spentMicroUsd: 0, spentThrough: other?.windowStartsAt })
    // Compiled in April, a March baseline does not apply.
    const april = compileSnapshot({ ...state, budgetBaselines: baselines }, 6, new Date('2026-04-02T12:00:00Z'))
    expect(april.budgets.find((budget) => budget.id === 'budget_tag')).toMatchObject({
      spentMicroUsd: 0,
      spentThrough: '2026-04-01T00:00:00.000Z',
    })
  })

  it('refuses a budget whose scope names a team that is not there', () => {
    const dangling = {
      ...state,
      budgets: state.budgets.map((budget) => ({ ...budget, scope: { kind: 'team' as const, id: 'team_gone' } })),
    }
    expect(() => compileSnapshot(dangling, 1, new Date())).toThrow(/team_gone/)
  })

  it('refuses state whose references dangle', () => {
    const dangling = { ...state, routes: state.routes.map((route) => ({ ...route, fallbackModelIds: ['model_gone'] })) }
    expect(() => compileSnapshot(dangling, 1, new Date())).toThrow(/unknown model id .*model_gone/)
  })
})
