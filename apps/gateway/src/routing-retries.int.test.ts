import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type GatewayHarness, startGatewayHarness } from './testing/gateway-harness.ts'

// Short backoffs so retries take milliseconds; the strategy is lowest-cost so the cheaper
// deployment of a pair is always tried first.
const fastRetries = { maxAttempts: 3, initialBackoffMs: 5, maxBackoffMs: 20 }

let harness: GatewayHarness

beforeAll(async () => {
  harness = await startGatewayHarness({
    models: [
      { name: 'flaky', deployments: [{ upstreamModel: 'flaky-1' }], route: { retries: fastRetries } },
      {
        name: 'pair',
        deployments: [
          { upstreamModel: 'pair-cheap', inputMicroUsdPerMTok: 1 },
          { upstreamModel: 'pair-dear', inputMicroUsdPerMTok: 9 },
        ],
        route: { strategy: 'lowest-cost', retries: fastRetries },
      },
      {
        name: 'outage',
        deployments: [{ upstreamModel: 'outage-1' }, { upstreamModel: 'outage-2' }],
        route: { retries: fastRetries },
      },
    ],
  })
})
afterEach(() => harness.simulator.scenarios.clear())
afterAll(async () => {
  await harness?.close()
})

const chat = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content: 'hello' }],
  ...extra,
})

describe('retries', () => {
  it('retries the only deployment after a failure and answers with attempts=2', async () => {
    harness.simulator.scenarios.set('flaky-1', { error: { status: 503 }, failFirstN: 1 })
    const response = await harness.post('/v1/chat/completions', chat('flaky'))
    expect(response.status).toBe(200)
    expect(response.headers.get('x-switchyard-attempts')).toBe('2')
    expect(response.headers.get('x-switchyard-deployment')).toBe(harness.deploymentIdOf('flaky-1'))
    expect(response.headers.get('x-switchyard-fallback-from')).toBeNull()
    expect(((await response.json()) as { choices: unknown[] }).choices).toHaveLength(1)
  })

  it('retries embeddings the same way', async () => {
    harness.simulator.scenarios.set('flaky-1', { error: { status: 500 }, failFirstN: 1 })
    const response = await harness.post('/v1/embeddings', { model: 'flaky', input: 'hello' })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-switchyard-attempts')).toBe('2')
  })

  it('moves to the other deployment after a 429 with Retry-After, and keeps away until then', async () => {
    harness.simulator.scenarios.set('pair-cheap', { error: { status: 429, retryAfterSeconds: 30 } })
    const first = await harness.post('/v1/chat/completions', chat('pair'))
    expect(first.status).toBe(200)
    expect(first.headers.get('x-switchyard-attempts')).toBe('2')
    expect(first.headers.get('x-switchyard-deployment')).toBe(harness.deploymentIdOf('pair-dear'))
    const next = await harness.post('/v1/chat/completions', chat('pair'))
    expect(next.headers.get('x-switchyard-attempts')).toBe('1')
    expect(next.headers.get('x-switchyard-deployment')).toBe(harness.deploymentIdOf('pair-dear'))
    // Once the Retry-After has passed, the cheaper deployment is back.
    harness.simulator.scenarios.clear()
    harness.advanceClock(30_000)
    const later = await harness.post('/v1/chat/completions', chat('pair'))
    expect(later.headers.get('x-switchyard-deployment')).toBe(harness.deploymentIdOf('pair-cheap'))
  })

  it('answers the last error when every attempt fails, with the attempts it took', async () => {
    harness.simulator.scenarios.set('flaky-1', { error: { status: 503 } })
    const response = await harness.post('/v1/chat/completions', chat('flaky'))
    expect(response.status).toBe(503)
    expect(response.headers.get('x-switchyard-attempts')).toBe('3')
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('upstream_overloaded')
  })
})

describe('retry budget', () => {
  it('keeps attempts within the budget when every deployment fails', async () => {
    const requests = 30
    harness.simulator.scenarios.set('outage-1', { error: { status: 503 }, latencyMs: 100 })
    harness.simulator.scenarios.set('outage-2', { error: { status: 503 }, latencyMs: 100 })
    const attemptsBefore = await harness.upstreamAttempts()
    const deniedBefore = harness.retryBudget.deniedRetries
    const statuses = await Promise.all(
      Array.from({ length: requests }, () =>
        harness.post('/v1/chat/completions', chat('outage')).then((r) => r.status),
      ),
    )
    const attempts = (await harness.upstreamAttempts()) - attemptsBefore
    const budgetAtPeak = Math.max(3, Math.floor(0.2 * requests))
    console.info(
      `total outage: ${requests} requests, ${attempts} upstream attempts ` +
        `(${requests * fastRetries.maxAttempts} without a budget), ` +
        `${harness.retryBudget.deniedRetries - deniedBefore} retries denied`,
    )
    expect(statuses.every((status) => status === 503)).toBe(true)
    expect(attempts).toBeGreaterThan(requests)
    expect(attempts).toBeLessThanOrEqual(requests + 2 * budgetAtPeak)
    expect(harness.retryBudget.deniedRetries - deniedBefore).toBeGreaterThan(0)
    expect(harness.retryBudget.requestsInFlight).toBe(0)
    expect(harness.retryBudget.retriesInFlight).toBe(0)
  })
})
