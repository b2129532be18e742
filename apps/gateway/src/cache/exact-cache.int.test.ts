import Anthropic from '@anthropic-ai/sdk'
import type { RequestUsageEvent } from '@switchyard/contracts'
import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { collectOpenAIStream } from '../testing/collect-openai-stream.ts'
import { type GatewayHarness, startGatewayHarness } from '../testing/gateway-harness.ts'

let harness: GatewayHarness
let client: OpenAI

const single = { retries: { maxAttempts: 1 } }

beforeAll(async () => {
  harness = await startGatewayHarness({
    models: [
      { name: 'cached', deployments: [{ upstreamModel: 'cache-up' }], route: { ...single, cache: { ttlSeconds: 60 } } },
      {
        name: 'cached-org',
        deployments: [{ upstreamModel: 'cache-org-up' }],
        route: { ...single, cache: { scope: 'org' } },
      },
      {
        name: 'on-request',
        deployments: [{ upstreamModel: 'cache-opt-up' }],
        route: { ...single, cache: { enabled: false } },
      },
      { name: 'uncached', deployments: [{ upstreamModel: 'cache-none-up' }], route: single },
      { name: 'limited', deployments: [{ upstreamModel: 'cache-limited-up' }], route: { ...single, cache: {} } },
    ],
    teams: [{ id: 'team-b', name: 'billing', allowedModels: null }],
    keys: [
      { id: 'key-b', teamId: 'team-b' },
      { id: 'key-a2', teamId: 'team' },
    ],
    rateLimits: [
      { id: 'rl_limited', name: 'limited-rpm', scope: { kind: 'model', id: 'model_x_limited' }, requestsPerMinute: 2 },
    ],
  })
  client = clientFor('key')
})
afterAll(async () => {
  await harness?.close()
})
beforeEach(() => {
  harness.simulator.scenarios.clear()
})

function clientFor(keyId: string): OpenAI {
  return new OpenAI({ apiKey: harness.apiKeyOf(keyId), baseURL: `${harness.gatewayUrl}/v1`, maxRetries: 0 })
}

let promptCount = 0
/** A prompt no other test sends, so each test starts with an empty cache for it. */
function freshPrompt(): string {
  promptCount += 1
  return `cache test prompt ${promptCount} at ${Date.now()}`
}

async function ask(model: string, prompt: string, options: { client?: OpenAI; headers?: Record<string, string> } = {}) {
  const { data, response } = await (options.client ?? client).chat.completions
    .create(
      { model, messages: [{ role: 'user', content: prompt }], max_tokens: 30 },
      { headers: options.headers ?? {} },
    )
    .withResponse()
  return { completion: data, cache: response.headers.get('x-switchyard-cache'), headers: response.headers }
}

async function askStream(model: string, prompt: string, headers: Record<string, string> = {}) {
  const { data, response } = await client.chat.completions
    .create(
      {
        model,
        messages: [{ role: 'user', content: prompt }],
        max_tokens: 30,
        stream: true,
        stream_options: { include_usage: true },
      },
      { headers },
    )
    .withResponse()
  return { collected: await collectOpenAIStream(data), cache: response.headers.get('x-switchyard-cache') }
}

describe('exact cache, through the gateway with the openai SDK', () => {
  it('answers the second identical request from the cache: upstream called once, same answer', async () => {
    const prompt = freshPrompt()
    const before = await harness.upstreamAttempts()
    const first = await ask('cached', prompt)
    const second = await ask('cached', prompt)
    expect(first.cache).toBe('miss')
    expect(second.cache).toBe('hit')
    expect(second.headers.get('age')).toBe('0')
    expect(second.headers.get('x-switchyard-attempts')).toBe('0')
    expect(second.completion).toEqual(first.completion)
    expect(await harness.upstreamAttempts()).toBe(before + 1)
  })

  it('serves a stream from a cached whole answer, and a whole answer from a cached stream', async () => {
    const prompt = freshPrompt()
    const whole = await ask('cached', prompt)
    const before = await harness.upstreamAttempts()
    const streamed = await askStream('cached', prompt)
    expect(streamed.cache).toBe('hit')
    expect(streamed.collected.content).toBe(whole.completion.choices[0]?.message.content)
    expect(streamed.collected.finishReason).toBe(whole.completion.choices[0]?.finish_reason)
    expect(streamed.collected.usage).toMatchObject({
      prompt_tokens: whole.completion.usage?.prompt_tokens,
      completion_tokens: whole.completion.usage?.completion_tokens,
    })

    const other = freshPrompt()
    const firstStream = await askStream('cached', other)
    expect(firstStream.cache).toBe('miss')
    const fromStream = await ask('cached', other)
    expect(fromStream.cache).toBe('hit')
    expect(fromStream.completion.choices[0]?.message.content).toBe(firstStream.collected.content)
    expect(fromStream.completion.usage?.completion_tokens).toBe(firstStream.collected.usage?.completion_tokens)
    expect(await harness.upstreamAttempts()).toBe(before + 1)
  })

  it('ends a replayed stream with [DONE], as valid SSE', async () => {
    const prompt = freshPrompt()
    await ask('cached', prompt)
    const response = await harness.post('/v1/chat/completions', {
      model: 'cached',
      messages: [{ role: 'user', content: prompt }],
      max_tokens: 30,
      stream: true,
    })
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const text = await response.text()
    const events = text.split('\n\n').filter((event) => event !== '')
    expect(events.every((event) => event.startsWith('data: '))).toBe(true)
    expect(events.at(-1)).toBe('data: [DONE]')
    for (const event of events.slice(0, -1)) {
      expect(JSON.parse(event.slice('data: '.length))).toMatchObject({ object: 'chat.completion.chunk' })
    }
  })

  it('lets an entry expire after the route TTL', async () => {
    const prompt = freshPrompt()
    await ask('cached', prompt)
    harness.advanceClock(59_000)
    expect((await ask('cached', prompt)).headers.get('age')).toBe('59')
    harness.advanceClock(2_000)
    const before = await harness.upstreamAttempts()
    expect((await ask('cached', prompt)).cache).toBe('miss')
    expect(await harness.upstreamAttempts()).toBe(before + 1)
  })

  it('never shares an answer across teams under team scope, but within a team', async () => {
    const prompt = freshPrompt()
    const teamA = await ask('cached', prompt)
    const sameTeam = await ask('cached', prompt, { client: clientFor('key-a2') })
    expect(sameTeam.cache).toBe('hit')
    expect(sameTeam.completion.id).toBe(teamA.completion.id)
    const teamB = await ask('cached', prompt, { client: clientFor('key-b') })
    expect(teamB.cache).toBe('miss')
    expect(teamB.completion.id).not.toBe(teamA.completion.id)
    expect((await ask('cached', prompt, { client: clientFor('key-b') })).completion.id).toBe(teamB.completion.id)
  })

  it('shares across teams only where the route says org', async () => {
    const prompt = freshPrompt()
    const teamA = await ask('cached-org', prompt)
    const teamB = await ask('cached-org', prompt, { client: clientFor('key-b') })
    expect(teamB.cache).toBe('hit')
    expect(teamB.completion.id).toBe(teamA.completion.id)
  })

  it('refreshes an entry on request, and skips the cache when turned off', async () => {
    const prompt = freshPrompt()
    const first = await ask('cached', prompt)
    const before = await harness.upstreamAttempts()
    const off = await ask('cached', prompt, { headers: { 'x-switchyard-cache': 'off' } })
    expect(off.cache).toBe('bypass')
    expect(off.completion.id).not.toBe(first.completion.id)
    const refreshed = await ask('cached', prompt, { headers: { 'x-switchyard-cache': 'refresh' } })
    expect(refreshed.cache).toBe('miss')
    expect(refreshed.completion.id).not.toBe(first.completion.id)
    const after = await ask('cached', prompt)
    expect(after.cache).toBe('hit')
    expect(after.completion.id).toBe(refreshed.completion.id)
    expect(await harness.upstreamAttempts()).toBe(before + 2)
  })

  it('turns the cache on per request only where the route has one', async () => {
    const prompt = freshPrompt()
    expect((await ask('on-request', prompt)).cache).toBeNull()
    expect((await ask('on-request', prompt)).cache).toBeNull()
    expect((await ask('on-request', prompt, { headers: { 'x-switchyard-cache': 'on' } })).cache).toBe('miss')
    expect((await ask('on-request', prompt, { headers: { 'x-switchyard-cache': 'on' } })).cache).toBe('hit')
    expect((await ask('uncached', prompt, { headers: { 'x-switchyard-cache': 'on' } })).cache).toBe('bypass')
    expect((await ask('uncached', prompt, { headers: { 'x-switchyard-cache': 'on' } })).cache).toBe('bypass')
  })

  it('refuses an unknown directive with an OpenAI-shaped 400', async () => {
    const response = await harness.post(
      '/v1/chat/completions',
      { model: 'cached', messages: [{ role: 'user', content: 'hi' }] },
      { 'x-switchyard-cache': 'always' },
    )
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'invalid_cache_directive' },
    })
  })

  it('does not cache errors, filtered answers or broken streams', async () => {
    const prompt = freshPrompt()
    harness.simulator.scenarios.set('cache-up', { error: { status: 500 } })
    await expect(ask('cached', prompt)).rejects.toMatchObject({ status: 502 })
    harness.simulator.scenarios.set('cache-up', { finishReason: 'content_filter' })
    expect((await ask('cached', prompt)).cache).toBe('miss')
    expect((await ask('cached', prompt)).cache).toBe('miss')
    harness.simulator.scenarios.set('cache-up', { resetAfterChunks: 2, outputTokens: 20 })
    await expect(askStream('cached', prompt)).rejects.toThrow()
    harness.simulator.scenarios.clear()
    const before = await harness.upstreamAttempts()
    expect((await ask('cached', prompt)).cache).toBe('miss')
    expect((await ask('cached', prompt)).cache).toBe('hit')
    expect(await harness.upstreamAttempts()).toBe(before + 1)
  })

  it('meters a hit as a hit: no attempt, no cost, the first answer’s cost saved', async () => {
    const prompt = freshPrompt()
    const miss = await ask('cached', prompt)
    const hit = await ask('cached', prompt)
    const requestEvent = async (id: string) =>
      await vi.waitFor(() => {
        const found = harness.usageEvents.find((event) => event.kind === 'request' && event.requestId === id)
        if (!found) throw new Error(`no request event for ${id} yet`)
        return found as RequestUsageEvent
      })
    const missEvent = await requestEvent(miss.headers.get('x-request-id') ?? '')
    const hitEvent = await requestEvent(hit.headers.get('x-request-id') ?? '')
    expect(missEvent).toMatchObject({ isCacheHit: false, cacheSavedMicroUsd: 0, attemptCount: 1 })
    expect(missEvent.costMicroUsd).toBeGreaterThan(0)
    expect(hitEvent).toMatchObject({
      isCacheHit: true,
      status: 'success',
      httpStatus: 200,
      costMicroUsd: 0,
      cacheSavedMicroUsd: missEvent.costMicroUsd,
      attemptCount: 0,
      deploymentId: null,
      tokens: { inputTokens: 0, outputTokens: 0 },
    })
    const hitAttempts = harness.usageEvents.filter(
      (event) => event.kind === 'attempt' && event.gatewayRequestId === hitEvent.gatewayRequestId,
    )
    expect(hitAttempts).toEqual([])
  })

  it('counts a hit against requests per minute', async () => {
    const prompt = freshPrompt()
    const first = await ask('limited', prompt)
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1')
    expect((await ask('limited', prompt)).cache).toBe('hit')
    await expect(ask('limited', prompt)).rejects.toMatchObject({ status: 429, code: 'rate_limit_exceeded' })
  })

  it('answers /v1/messages from the cache too, whole and streamed', async () => {
    const anthropic = new Anthropic({ apiKey: harness.apiKey, baseURL: harness.gatewayUrl, maxRetries: 0 })
    const prompt = freshPrompt()
    const params = { model: 'cached', max_tokens: 30, messages: [{ role: 'user' as const, content: prompt }] }
    const first = await anthropic.messages.create(params).withResponse()
    expect(first.response.headers.get('x-switchyard-cache')).toBe('miss')
    const before = await harness.upstreamAttempts()
    const second = await anthropic.messages.create(params).withResponse()
    expect(second.response.headers.get('x-switchyard-cache')).toBe('hit')
    expect(second.data.content).toEqual(first.data.content)
    const streamed = await anthropic.messages.stream(params).finalMessage()
    expect(streamed.content).toEqual(first.data.content)
    expect(streamed.usage.output_tokens).toBe(first.data.usage.output_tokens)
    expect(await harness.upstreamAttempts()).toBe(before)
  })
})
