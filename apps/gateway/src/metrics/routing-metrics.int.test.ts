import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GatewayHarness, startGatewayHarness } from '../testing/gateway-harness.ts'

let harness: GatewayHarness

beforeAll(async () => {
  harness = await startGatewayHarness({
    models: [
      { name: 'flaky', deployments: [{ upstreamModel: 'flaky-up' }], route: { retries: { maxAttempts: 3 } } },
      { name: 'throttled', deployments: [{ upstreamModel: 'throttled-up' }] },
      { name: 'remembered', deployments: [{ upstreamModel: 'remembered-up' }], route: { cache: {} } },
    ],
    // No retry may run: every retry the loop asks for is denied and counted.
    retryBudget: { ratio: 0, minConcurrentRetries: 0 },
    rateLimits: [
      {
        id: 'rl_throttled',
        name: 'throttled-rpm',
        scope: { kind: 'model', id: 'model_x_throttled' },
        requestsPerMinute: 1,
      },
    ],
  })
})
afterAll(async () => {
  await harness?.close()
})

const ask = (model: string) =>
  harness.post('/v1/chat/completions', {
    model,
    messages: [{ role: 'user', content: 'metrics please' }],
    max_tokens: 5,
  })

/** The value of one series in the Prometheus text, or undefined when it is not there. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('/metrics after a scripted failure', () => {
  it('shows ejections, the ejected deployment, denied retries, limit rejections and cache lookups', async () => {
    harness.simulator.scenarios.set('flaky-up', { error: { status: 503 } })
    const statuses: number[] = []
    for (let index = 0; index < 6; index += 1) {
      const response = await ask('flaky')
      await response.arrayBuffer()
      statuses.push(response.status)
    }
    expect(statuses.every((status) => status === 503)).toBe(true)
    const throttled = [await ask('throttled'), await ask('throttled')]
    expect(throttled.map((response) => response.status)).toEqual([200, 429])
    for (const response of [await ask('remembered'), await ask('remembered')]) await response.arrayBuffer()

    const response = await fetch(`${harness.gatewayUrl}/metrics`)
    const text = await response.text()
    const deployment = harness.deploymentIdOf('flaky-up')
    // Five failures in a row eject the only deployment; the sixth request still goes (never dark).
    expect(sample(text, `switchyard_deployment_ejections_total{deployment="${deployment}"}`)).toBe(1)
    expect(sample(text, `switchyard_deployment_ejected{deployment="${deployment}"}`)).toBe(1)
    expect(sample(text, `switchyard_deployment_ejected{deployment="${harness.deploymentIdOf('throttled-up')}"}`)).toBe(
      0,
    )
    expect(sample(text, 'switchyard_retries_denied_total')).toBe(6)
    expect(harness.retryBudget.deniedRetries).toBe(6)
    expect(sample(text, 'switchyard_limit_rejections_total{kind="requests"}')).toBe(1)
    expect(sample(text, 'switchyard_cache_lookups_total{outcome="miss"}')).toBe(1)
    expect(sample(text, 'switchyard_cache_lookups_total{outcome="hit"}')).toBe(1)
    expect(sample(text, 'switchyard_cache_entries')).toBe(1)
    expect(sample(text, 'switchyard_cache_bytes')).toBeGreaterThan(256)

    // A scrape reports what changed since the last one, never twice.
    const again = await (await fetch(`${harness.gatewayUrl}/metrics`)).text()
    expect(sample(again, `switchyard_deployment_ejections_total{deployment="${deployment}"}`)).toBe(1)
    expect(sample(again, 'switchyard_retries_denied_total')).toBe(6)
  })
})
