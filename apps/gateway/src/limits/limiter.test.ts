import { createInProcessBus } from '@switchyard/bus'
import type { PolicySnapshot } from '@switchyard/contracts'
import { createLogger, HttpError } from '@switchyard/http-server'
import { CounterBook } from '@switchyard/policy'
import { describe, expect, it } from 'vitest'
import { compileRuntimePolicy, type RuntimeKey, type RuntimePolicy } from '../policy/runtime-policy.ts'
import { CounterExchange } from './counter-exchange.ts'
import { type BudgetAlert, Limiter } from './limiter.ts'

const NOW = Date.parse('2026-11-15T12:00:30Z')
const price = (input: number, output: number) => ({ inputMicroUsdPerMTok: input, outputMicroUsdPerMTok: output })

function policy(override: Partial<PolicySnapshot> = {}): RuntimePolicy {
  const deployment = (id: string, prices: ReturnType<typeof price>) => ({
    id,
    providerId: 'prov_1',
    upstreamModel: id,
    weight: 1,
    prices,
    limits: null,
  })
  const snapshot: PolicySnapshot = {
    schemaVersion: 1,
    revision: 1,
    generatedAt: '2026-11-15T00:00:00.000Z',
    orgs: [{ id: 'org_1', name: 'acme' }],
    teams: [{ id: 'team_1', orgId: 'org_1', name: 'search', allowedModels: null }],
    projects: [],
    keys: [],
    jwtIssuers: [],
    providers: [
      {
        id: 'prov_1',
        name: 'p',
        target: { type: 'openai-compatible', baseUrl: 'http://x.test/v1' },
        credentials: null,
      },
    ],
    models: [
      // $10 per million input and output tokens, and a model 100 times cheaper.
      {
        id: 'model_big',
        name: 'big',
        routeId: null,
        deployments: [deployment('dep_big', price(10_000_000, 10_000_000))],
      },
      {
        id: 'model_small',
        name: 'small',
        routeId: null,
        deployments: [deployment('dep_small', price(100_000, 100_000))],
      },
    ],
    routes: [],
    rateLimits: [],
    budgets: [],
    ...override,
  }
  return compileRuntimePolicy(snapshot, undefined)
}

const key: RuntimeKey = {
  id: 'key_1',
  orgId: 'org_1',
  teamId: 'team_1',
  projectId: null,
  environment: null,
  userId: 'ada',
  tags: { costCenter: 'ml' },
  allowedModels: null,
  expiresAtMs: null,
  status: 'active',
}

const budget = (onExceed: PolicySnapshot['budgets'][number]['onExceed']) => ({
  id: 'budget_1',
  name: 'team-daily',
  scope: { kind: 'tag' as const, name: 'costCenter', value: 'ml' },
  window: 'daily' as const,
  timeZone: 'UTC',
  limitMicroUsd: 90_000,
  spentMicroUsd: 40_000,
  windowStartsAt: '2026-11-15T00:00:00.000Z',
  spentThrough: '2026-11-15T00:00:00.000Z',
  onExceed,
  alertThresholdsPct: [50, 80, 100],
})

function refusal(run: () => unknown): HttpError {
  try {
    run()
  } catch (error) {
    if (error instanceof HttpError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe('Limiter', () => {
  it('admits up to a key’s requests per minute and refuses the next with 429, Retry-After and headers', () => {
    const runtime = policy({
      rateLimits: [{ id: 'rl_1', name: 'key-rpm', scope: { kind: 'key', id: 'key_1' }, requestsPerMinute: 2 }],
    })
    const limiter = new Limiter({ book: new CounterBook('pod#1') })
    const model = runtime.models.get('small')
    if (!model) throw new Error('model missing')
    const size = { inputTokens: 10, maxOutputTokens: 10 }
    const first = limiter.admit(runtime, key, model, size, NOW)
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '1' })
    limiter.admit(runtime, key, model, size, NOW)
    const refused = refusal(() => limiter.admit(runtime, key, model, size, NOW))
    expect(refused).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' })
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
  })

  it('reserves the worst case against a budget, settles to the real cost, and alerts on thresholds crossed', () => {
    const alerts: BudgetAlert[] = []
    const runtime = policy({ budgets: [budget({ action: 'reject' })] })
    const limiter = new Limiter({ book: new CounterBook('pod#1'), onAlert: (alert) => alerts.push(alert) })
    const big = runtime.models.get('big')
    if (!big) throw new Error('model missing')
    // 3,000 tokens at $10/M is 30,000 micro-USD: 40,000 + 30,000 fits under 90,000, a second one would not.
    const ticket = limiter.admit(runtime, key, big, { inputTokens: 1_000, maxOutputTokens: 2_000 }, NOW)
    expect(
      refusal(() => limiter.admit(runtime, key, big, { inputTokens: 1_000, maxOutputTokens: 2_000 }, NOW)),
    ).toMatchObject({
      status: 429,
      type: 'insufficient_quota',
      code: 'budget_exceeded',
    })
    const deployment = big.deployments[0] ?? null
    const usage = {
      inputTokens: 1_000,
      outputTokens: 500,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
      reasoningTokens: 0,
    }
    ticket.settle(deployment, usage)
    ticket.settle(deployment, usage)
    // Settled at 15,000: 55,000 spent, so a 30,000 reservation fits again.
    expect(() => limiter.admit(runtime, key, big, { inputTokens: 1_000, maxOutputTokens: 2_000 }, NOW)).not.toThrow()
    expect(alerts.map((alert) => alert.thresholdPct)).toEqual([50])
  })

  it('downgrades to the cheaper model a spent budget names, and says so', () => {
    const runtime = policy({ budgets: [budget({ action: 'downgrade', modelId: 'model_small' })] })
    const limiter = new Limiter({ book: new CounterBook('pod#1') })
    const big = runtime.models.get('big')
    if (!big) throw new Error('model missing')
    const ticket = limiter.admit(runtime, key, big, { inputTokens: 10_000, maxOutputTokens: 10_000 }, NOW)
    expect(ticket.model.name).toBe('small')
    expect(ticket.downgradedFrom).toBe('big')
    // A key that may not use the cheaper model is refused instead.
    const narrow = { ...key, allowedModels: new Set(['big']) }
    expect(
      refusal(() => limiter.admit(runtime, narrow, big, { inputTokens: 10_000, maxOutputTokens: 10_000 }, NOW)).code,
    ).toBe('budget_exceeded')
  })

  it('releases the reservation of a request that spent nothing, and keeps it for one whose usage is unknown', () => {
    const runtime = policy({ budgets: [budget({ action: 'reject' })] })
    const limiter = new Limiter({ book: new CounterBook('pod#1') })
    const big = runtime.models.get('big')
    if (!big) throw new Error('model missing')
    const size = { inputTokens: 1_000, maxOutputTokens: 2_000 }
    limiter.admit(runtime, key, big, size, NOW).settle(null, null)
    const broken = limiter.admit(runtime, key, big, size, NOW)
    broken.settle(big.deployments[0] ?? null, null)
    expect(() => limiter.admit(runtime, key, big, size, NOW)).toThrow(HttpError)
  })

  it('shares counts between pods over the bus: a peer’s admissions are refused here after a sync', async () => {
    const bus = createInProcessBus({ name: 'limits-test' })
    const log = createLogger('test', 'silent')
    const runtime = policy({
      rateLimits: [{ id: 'rl_team', name: 'team-rpm', scope: { kind: 'team', id: 'team_1' }, requestsPerMinute: 3 }],
    })
    const books = [new CounterBook('pod-a#1'), new CounterBook('pod-b#1')] as const
    const exchanges = books.map(
      (book) =>
        new CounterExchange({
          book,
          transport: bus,
          log,
          now: () => NOW,
          settings: { syncIntervalMs: 10, checkpointIntervalMs: 50 },
        }),
    )
    for (const exchange of exchanges) exchange.start()
    const [here, there] = books.map((book) => new Limiter({ book }))
    const model = runtime.models.get('small')
    if (!model || !here || !there) throw new Error('setup')
    const size = { inputTokens: 1, maxOutputTokens: 1 }
    for (let i = 0; i < 3; i++) there.admit(runtime, key, model, size, NOW)
    const deadline = Date.now() + 2_000
    while (books[0].value('rl:rl_team:requests', NOW - (NOW % 60_000)) < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(refusal(() => here.admit(runtime, key, model, size, NOW)).status).toBe(429)
    for (const exchange of exchanges) await exchange.stop()
    await bus.close()
  })
})
