import { setTimeout as delay } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { type GatewayHarness, startGatewayHarness, UPSTREAM_MODELS } from './testing/gateway-harness.ts'

let harness: GatewayHarness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

function streamRequest(h: GatewayHarness, signal?: AbortSignal) {
  return fetch(`${h.gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm-openai', stream: true, messages: [{ role: 'user', content: 'count slowly' }] }),
    ...(signal ? { signal } : {}),
  })
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (condition()) return true
    await delay(20)
  }
  return condition()
}

describe('HTTP hygiene', () => {
  it('cancels the upstream request when the client goes away mid-stream', async () => {
    const h = await startGatewayHarness()
    harness = h
    // 200 tokens at 10 per second: 20 s if nobody cancels.
    h.simulator.scenarios.set(UPSTREAM_MODELS.openai, { outputTokens: 200, tokensPerSecond: 10 })
    const client = new AbortController()
    const response = await streamRequest(h, client.signal)
    const reader = response.body?.getReader()
    await reader?.read()
    expect(h.upstream.runningRequests()).toBe(1)
    client.abort()
    expect(await waitUntil(() => h.upstream.runningRequests() === 0, 2_000)).toBe(true)
  })

  it('lets an in-flight stream finish when the gateway shuts down', async () => {
    const h = await startGatewayHarness()
    harness = h
    h.simulator.scenarios.set(UPSTREAM_MODELS.openai, { outputTokens: 20, tokensPerSecond: 50 })
    const response = await streamRequest(h)
    const body = response.text()
    await delay(50)
    const started = Date.now()
    await h.stopGateway(5_000)
    const text = await body
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true)
    expect(Date.now() - started).toBeLessThan(5_000)
    await expect(streamRequest(h)).rejects.toThrow()
  })
})
