import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GatewayHarness, startGatewayHarness } from './testing/gateway-harness.ts'

let harness: GatewayHarness

beforeAll(async () => {
  harness = await startGatewayHarness({
    models: [
      {
        name: 'half-broken',
        deployments: [{ upstreamModel: 'hb-broken' }, { upstreamModel: 'hb-good' }],
        route: { retries: { maxAttempts: 2, initialBackoffMs: 5, maxBackoffMs: 20 } },
      },
    ],
    // Short ejections keep the test quick; the clock is also moved forward by hand below.
    breaker: { baseEjectionMs: 200, maxEjectionMs: 5_000 },
  })
})
afterAll(async () => {
  await harness?.close()
})

/** Sends `total` requests over `concurrency` workers; returns the response headers that matter. */
async function load(total: number, concurrency: number) {
  const results: { status: number; deployment: string | null; attempts: string | null }[] = []
  let next = 0
  const worker = async () => {
    while (next < total) {
      next += 1
      const response = await harness.post('/v1/chat/completions', {
        model: 'half-broken',
        messages: [{ role: 'user', content: `request ${next}` }],
      })
      await response.arrayBuffer()
      results.push({
        status: response.status,
        deployment: response.headers.get('x-switchyard-deployment'),
        attempts: response.headers.get('x-switchyard-attempts'),
      })
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return results
}

describe('passive health', () => {
  const broken = () => harness.deploymentIdOf('hb-broken')
  const good = () => harness.deploymentIdOf('hb-good')

  it('ejects a deployment that always fails and keeps clients succeeding', async () => {
    harness.simulator.scenarios.set('hb-broken', { error: { status: 503 } })
    const results = await load(200, 5)
    const successes = results.filter((result) => result.status === 200).length
    const brokenAttempts = await harness.upstreamAttempts('overloaded')
    const retried = results.filter((result) => result.attempts !== '1').length
    console.info(
      `one of two deployments down: ${successes}/200 succeeded, ${brokenAttempts} attempts reached the broken one, ` +
        `${retried} requests needed a retry`,
    )
    expect(successes / results.length).toBeGreaterThanOrEqual(0.99)
    expect(results.every((result) => result.status !== 200 || result.deployment === good())).toBe(true)
    // 5 failures to eject, then one probe per ejection (200 ms, doubling): far fewer than 100.
    expect(brokenAttempts).toBeLessThanOrEqual(15)
    expect(harness.health.get(broken()).breaker.state(Date.now())).not.toBe('closed')
  })

  it('takes the deployment back after its ejection time, through one probe', async () => {
    harness.simulator.scenarios.clear()
    harness.advanceClock(10_000)
    const results = await load(20, 1)
    expect(results.every((result) => result.status === 200 && result.attempts === '1')).toBe(true)
    expect(results.some((result) => result.deployment === broken())).toBe(true)
    expect(harness.health.get(broken()).breaker.state(Date.now() + 10_000)).toBe('closed')
  })
})
