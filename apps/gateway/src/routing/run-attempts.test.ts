import { UpstreamError, type UpstreamErrorClass } from '@switchyard/providers'
import { describe, expect, it } from 'vitest'
import type { RuntimeModel } from '../policy/runtime-policy.ts'
import { ClientClosedError } from '../upstream/upstream-client.ts'
import { AttemptsFailedError } from './attempts-failed-error.ts'
import { ClientLeftError } from './client-left-error.ts'
import { DeploymentHealthRegistry } from './deployment-health.ts'
import { RetryBudget, type RetryBudgetSettings } from './retry-budget.ts'
import { RoundRobinTurns } from './round-robin-turns.ts'
import { type AttemptTarget, type RoutingDeps, runAttempts } from './run-attempts.ts'
import { fixtureDeployment, fixtureModel } from './runtime-model-fixture.ts'

const STATUS: Record<UpstreamErrorClass, number> = {
  rate_limited: 429,
  overloaded: 503,
  server_error: 502,
  timeout: 504,
  connection_error: 502,
  context_length: 400,
  content_policy: 400,
  authentication: 502,
  invalid_request: 400,
  not_found: 404,
}

function failure(errorClass: UpstreamErrorClass, retryAfterMs: number | null = null): UpstreamError {
  return new UpstreamError({
    errorClass,
    status: STATUS[errorClass],
    upstreamStatus: STATUS[errorClass],
    message: `upstream said ${errorClass}`,
    type: errorClass === 'rate_limited' ? 'rate_limit_error' : 'server_error',
    retryAfterMs,
  })
}

type Step = 'ok' | Error

/**
 * The loop against scripted deployments, on a fake clock: each attempt takes 10 ms, `sleep`
 * advances the clock, `random` is fixed (0 unless said: the first deployment), nothing waits for real.
 */
function setup(options: { random?: number; budget?: Partial<RetryBudgetSettings> } = {}) {
  let nowMs = 1_000_000
  const sleeps: number[] = []
  const calls: AttemptTarget[] = []
  const outcomes: string[] = []
  const script = new Map<string, Step[]>()
  const deps: RoutingDeps = {
    health: new DeploymentHealthRegistry(),
    retryBudget: new RetryBudget(options.budget),
    roundRobin: new RoundRobinTurns(),
    metrics: { recordAttempt: (provider, outcome) => outcomes.push(`${provider}:${outcome}`) },
    now: () => nowMs,
    random: () => options.random ?? 0,
    sleep: async (ms) => {
      sleeps.push(ms)
      nowMs += ms
    },
  }
  const invoke = async (target: AttemptTarget) => {
    calls.push(target)
    nowMs += 10
    const step = script.get(target.deployment.id)?.shift() ?? 'ok'
    if (step !== 'ok') throw step
    return `answer from ${target.deployment.id}`
  }
  const run = (model: RuntimeModel, isStream = false) =>
    runAttempts(deps, { model, signal: new AbortController().signal, isStream, invoke })
  const failed = async (model: RuntimeModel) => {
    const error = await run(model).then(
      () => null,
      (caught: unknown) => caught,
    )
    if (!(error instanceof AttemptsFailedError)) throw new Error(`expected AttemptsFailedError, got ${String(error)}`)
    return error
  }
  return {
    deps,
    script,
    sleeps,
    calls,
    outcomes,
    run,
    failed,
    tried: () => calls.map((call) => call.deployment.id),
    advance: (ms: number) => {
      nowMs += ms
    },
  }
}

const a = fixtureDeployment('a')
const b = fixtureDeployment('b')
const c = fixtureDeployment('c')

describe('runAttempts: retries', () => {
  it('answers from the first attempt and records it', async () => {
    const t = setup()
    const routed = await t.run(fixtureModel('m', [a]))
    expect(routed.value).toBe('answer from a')
    expect(routed.summary).toMatchObject({ requestedModel: 'm', fallbackFrom: null })
    expect(routed.summary.attempts).toEqual([
      {
        attemptNumber: 1,
        model: 'm',
        deploymentId: 'a',
        providerId: 'prov-a',
        providerName: 'provider-a',
        providerType: 'openai',
        upstreamModel: 'up-a',
        outcome: 'ok',
        httpStatus: 200,
        startedAtMs: 1_000_000,
        latencyMs: 10,
        timeToFirstByteMs: 10,
        fallbackReason: null,
      },
    ])
    expect(t.outcomes).toEqual(['provider-a:ok'])
    expect(t.deps.retryBudget.requestsInFlight).toBe(0)
    expect(t.deps.health.get('a').inFlight).toBe(0)
  })

  it('retries the only deployment after full-jitter backoff', async () => {
    const t = setup({ random: 0.5 })
    t.script.set('a', [failure('overloaded'), failure('server_error')])
    const routed = await t.run(fixtureModel('m', [a], { retries: { maxAttempts: 3 } }))
    expect(t.tried()).toEqual(['a', 'a', 'a'])
    // Ceilings 200 then 400 ms (initial 200, doubling); random 0.5.
    expect(t.sleeps).toEqual([100, 200])
    expect(routed.summary.attempts.map((attempt) => attempt.outcome)).toEqual(['overloaded', 'server_error', 'ok'])
    expect(t.outcomes).toEqual(['provider-a:overloaded', 'provider-a:server_error', 'provider-a:ok'])
  })

  it('moves to an untried deployment without waiting', async () => {
    const t = setup({ random: 0 })
    t.script.set('a', [failure('timeout')])
    const routed = await t.run(fixtureModel('m', [a, b]))
    expect(t.tried()).toEqual(['a', 'b'])
    expect(t.sleeps).toEqual([])
    expect(routed.deployment.id).toBe('b')
  })

  it('fails with the last error once maxAttempts are spent', async () => {
    const t = setup()
    t.script.set('a', [failure('overloaded'), failure('timeout'), failure('overloaded')])
    const error = await t.failed(fixtureModel('m', [a], { retries: { maxAttempts: 2 } }))
    expect(t.tried()).toEqual(['a', 'a'])
    expect(error.status).toBe(504)
    expect(error.lastError.errorClass).toBe('timeout')
    expect(error.headers['x-switchyard-attempts']).toBe('2')
    expect(error.summary.answeredBy).toBeNull()
  })

  it('does not retry a request the provider refused as invalid', async () => {
    const t = setup()
    t.script.set('a', [failure('invalid_request')])
    const fallback = fixtureModel('f', [c])
    const error = await t.failed(fixtureModel('m', [a, b], { fallbacks: [fallback] }))
    expect(t.tried()).toEqual(['a'])
    expect(error.status).toBe(400)
  })

  it('retries refused credentials on another deployment only, and never falls back on them', async () => {
    const t = setup({ random: 0 })
    t.script.set('a', [failure('authentication')])
    t.script.set('b', [failure('authentication')])
    const fallback = fixtureModel('f', [c])
    const error = await t.failed(fixtureModel('m', [a, b], { retries: { maxAttempts: 5 }, fallbacks: [fallback] }))
    expect(t.tried()).toEqual(['a', 'b'])
    expect(error.status).toBe(502)
  })

  it('gives attempts after the first only what is left of the total timeout', async () => {
    const t = setup({ random: 0 })
    t.script.set('a', [failure('overloaded')])
    await t.run(fixtureModel('m', [a, b], { timeouts: { totalMs: 5_000 } }))
    expect(t.calls.map((call) => call.model.timeouts.totalMs)).toEqual([5_000, 4_990])
  })

  it('stops when the next wait would pass the deadline', async () => {
    const t = setup({ random: 0.99 })
    t.script.set('a', [failure('overloaded')])
    const model = fixtureModel('m', [a], { timeouts: { totalMs: 100 }, retries: { initialBackoffMs: 1_000 } })
    const error = await t.failed(model)
    expect(t.tried()).toEqual(['a'])
    expect(error.status).toBe(503)
  })

  it('lets the client leave: no retry, the error with the attempts made so far', async () => {
    const t = setup()
    t.script.set('a', [new ClientClosedError('gone')])
    const error = await t.run(fixtureModel('m', [a, b])).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ClientLeftError)
    expect(error).toBeInstanceOf(ClientClosedError)
    expect((error as ClientLeftError).summary).toMatchObject({
      requestedModel: 'm',
      answeredBy: null,
      attempts: [{ attemptNumber: 1, outcome: 'client_closed', httpStatus: null }],
    })
    expect(t.tried()).toEqual(['a'])
    expect(t.outcomes).toEqual(['provider-a:client_closed'])
    expect(t.deps.retryBudget.requestsInFlight).toBe(0)
  })

  it('passes errors that are not the provider’s straight through', async () => {
    const t = setup()
    t.script.set('a', [new TypeError('bug')])
    await expect(t.run(fixtureModel('m', [a, b]))).rejects.toBeInstanceOf(TypeError)
    expect(t.tried()).toEqual(['a'])
  })
})

describe('runAttempts: 429 and Retry-After', () => {
  it('moves to the other deployment at once and keeps the limited one out until then', async () => {
    const t = setup({ random: 0 })
    t.script.set('a', [failure('rate_limited', 30_000)])
    const model = fixtureModel('m', [a, b])
    const routed = await t.run(model)
    expect(t.tried()).toEqual(['a', 'b'])
    expect(t.sleeps).toEqual([])
    expect(routed.deployment.id).toBe('b')
    // Not a breaker failure, but out of rotation for the next requests until the Retry-After ends.
    expect(t.deps.health.get('a').breaker.state(0)).toBe('closed')
    await t.run(model)
    expect(t.tried().at(-1)).toBe('b')
    t.advance(30_000)
    await t.run(model)
    expect(t.tried().at(-1)).toBe('a')
  })

  it('waits out a short Retry-After on the only deployment', async () => {
    const t = setup({ random: 0 })
    t.script.set('a', [failure('rate_limited', 1_500)])
    await t.run(fixtureModel('m', [a]))
    expect(t.tried()).toEqual(['a', 'a'])
    expect(t.sleeps).toEqual([1_500])
  })

  it('does not wait longer than maxBackoffMs: the client gets the 429 and its Retry-After', async () => {
    const t = setup()
    t.script.set('a', [failure('rate_limited', 7_000)])
    const error = await t.failed(fixtureModel('m', [a]))
    expect(t.tried()).toEqual(['a'])
    expect(error.status).toBe(429)
    expect(error.headers['retry-after']).toBe('7')
  })

  it('still sends to a cooling deployment when it is the model’s last one', async () => {
    const t = setup()
    t.deps.health.get('a').breaker.coolDownUntil(Number.MAX_SAFE_INTEGER)
    const routed = await t.run(fixtureModel('m', [a]))
    expect(routed.deployment.id).toBe('a')
  })
})

describe('runAttempts: fallbacks', () => {
  it('falls back on 503 after the model’s own attempts, and says from where', async () => {
    const t = setup({ random: 0 })
    t.script.set('a', [failure('overloaded')])
    t.script.set('b', [failure('overloaded')])
    const fallback = fixtureModel('f', [c])
    const routed = await t.run(fixtureModel('m', [a, b], { fallbacks: [fallback] }))
    expect(t.tried()).toEqual(['a', 'b', 'c'])
    expect(routed.model).toBe(fallback)
    expect(routed.summary.fallbackFrom).toBe('m')
    expect(routed.summary.attempts.map((attempt) => [attempt.model, attempt.fallbackReason])).toEqual([
      ['m', null],
      ['m', null],
      ['f', '5xx'],
    ])
  })

  it('goes straight to the fallback on context_length when the route lists it', async () => {
    const t = setup({ random: 0 })
    t.script.set('a', [failure('context_length')])
    const fallback = fixtureModel('f', [c])
    const routed = await t.run(
      fixtureModel('m', [a, b], { fallbackOn: ['5xx', 'context_length'], fallbacks: [fallback] }),
    )
    expect(t.tried()).toEqual(['a', 'c'])
    expect(routed.summary.attempts[1]?.fallbackReason).toBe('context_length')
  })

  it('does not fall back on a condition the route does not list', async () => {
    const t = setup({ random: 0 })
    t.script.set('a', [failure('context_length')])
    const error = await t.failed(fixtureModel('m', [a, b], { fallbacks: [fixtureModel('f', [c])] }))
    expect(t.tried()).toEqual(['a'])
    expect(error.status).toBe(400)
    const only429 = setup({ random: 0 })
    only429.script.set('a', [failure('overloaded'), failure('overloaded')])
    await only429.failed(fixtureModel('m', [a], { fallbackOn: ['429'], fallbacks: [fixtureModel('f', [c])] }))
    expect(only429.tried()).toEqual(['a', 'a'])
  })

  it('tries fallbacks in order and never visits a model twice, cycles included', async () => {
    const t = setup({ random: 0 })
    t.script.set('a', [failure('overloaded'), failure('overloaded')])
    t.script.set('b', [failure('overloaded'), failure('overloaded')])
    const fallbacks: RuntimeModel[] = []
    const requested = fixtureModel('m', [a], { fallbacks })
    const first = fixtureModel('first', [b], { fallbacks: [requested] })
    const second = fixtureModel('second', [c])
    fallbacks.push(requested, first, first, second)
    const routed = await t.run(requested)
    expect(t.calls.map((call) => call.model.name)).toEqual(['m', 'm', 'first', 'first', 'second'])
    expect(routed.model).toBe(second)
  })
})

describe('runAttempts: health and budget', () => {
  it('ejects a failing deployment and routes around it', async () => {
    const t = setup({ random: 0 })
    t.script.set(
      'a',
      Array.from({ length: 5 }, () => failure('overloaded')),
    )
    const model = fixtureModel('m', [a, b])
    for (let i = 0; i < 5; i++) await t.run(model)
    expect(t.deps.health.get('a').breaker.state(t.deps.now())).toBe('open')
    const before = t.calls.length
    for (let i = 0; i < 10; i++) await t.run(model)
    expect(t.tried().slice(before)).toEqual(Array.from({ length: 10 }, () => 'b'))
  })

  it('spends no retry when the budget is empty, and fails with the last error', async () => {
    const t = setup({ budget: { ratio: 0, minConcurrentRetries: 0 } })
    t.script.set('a', [failure('overloaded')])
    const error = await t.failed(fixtureModel('m', [a, b], { fallbacks: [fixtureModel('f', [c])] }))
    expect(t.tried()).toEqual(['a'])
    expect(error.status).toBe(503)
    expect(t.deps.retryBudget.deniedRetries).toBe(1)
    expect(t.deps.retryBudget.retriesInFlight).toBe(0)
  })

  it('keeps a stream’s deployment and request in flight until it ends; a later break counts', async () => {
    const t = setup()
    const routed = await t.run(fixtureModel('m', [a]), true)
    expect(t.deps.health.get('a').inFlight).toBe(1)
    expect(t.deps.retryBudget.requestsInFlight).toBe(1)
    for (let i = 0; i < 5; i++) {
      routed.end({ error: failure('connection_error'), isClientGone: false })
      const next = await t.run(fixtureModel('m', [a]), true)
      next.end({ error: failure('connection_error'), isClientGone: false })
    }
    expect(t.deps.health.get('a').inFlight).toBe(0)
    expect(t.deps.retryBudget.requestsInFlight).toBe(0)
    expect(t.deps.health.get('a').breaker.state(t.deps.now())).toBe('open')
  })
})
