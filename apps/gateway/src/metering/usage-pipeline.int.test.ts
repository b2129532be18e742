import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { type Bus, createInProcessBus, createNatsBus, UsagePublishError } from '@switchyard/bus'
import { type RequestUsageEvent, UsageEvent } from '@switchyard/contracts'
import { type NatsServerHandle, startNatsServer } from '@switchyard/test-services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GatewayHarness, startGatewayHarness } from '../testing/gateway-harness.ts'
import { loadTokenCounter } from './estimate-tokens.ts'
import type { UsagePublisher } from './usage-emitter.ts'

/** $2.50 / MTok input, $10 / MTok output: 2.5 and 10 micro-USD a token, so rounding shows. */
const INPUT_MICRO_USD_PER_MTOK = 2_500_000
const OUTPUT_MICRO_USD_PER_MTOK = 10_000_000
const OUTPUT_TOKENS = 7
const PROMPTS = [
  'hello',
  'what is the capital of france',
  'write one line about the sea, please, and keep it short',
  'a',
  'count from one to ten in words and then back down to one again slowly',
]

const decoder = new TextDecoder()

interface StreamedChunk {
  readonly choices: ReadonlyArray<{ readonly delta: { readonly content?: string } }>
}

interface ClientUsage {
  readonly prompt_tokens: number
  readonly completion_tokens: number
}

/** What the client saw, priced the way the gateway must: per request, rounded up once. */
function expectedCostMicroUsd(usage: ClientUsage): number {
  const microUsdTimesMillion =
    usage.prompt_tokens * INPUT_MICRO_USD_PER_MTOK + usage.completion_tokens * OUTPUT_MICRO_USD_PER_MTOK
  return Math.ceil(microUsdTimesMillion / 1_000_000)
}

async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await delay(25)
  }
}

/** Reads the usage stream from the bus as the ingester would: validate, keep, ack. */
function consumeEvents(bus: Bus) {
  const events = new Map<string, UsageEvent>()
  const deliveries = new Map<string, number>()
  const messages = bus.consumeUsage({ durableName: 'usage_pipeline_test', maxBatch: 256, ackWaitMs: 60_000 })
  const loop = (async () => {
    for await (const message of messages) {
      const parsed = UsageEvent.parse(JSON.parse(decoder.decode(message.body)))
      expect(parsed.id).toBe(message.id)
      events.set(parsed.id, parsed)
      deliveries.set(parsed.id, (deliveries.get(parsed.id) ?? 0) + 1)
      await message.ack()
    }
  })()
  return {
    events,
    deliveries,
    requestEvents: (requestIds: ReadonlySet<string>) =>
      [...events.values()].filter(
        (event): event is RequestUsageEvent => event.kind === 'request' && requestIds.has(event.requestId),
      ),
    eventsOf: (requestIds: ReadonlySet<string>) =>
      [...events.values()].filter((event) => requestIds.has(event.requestId)),
    async stop() {
      await messages.return?.(undefined)
      await loop
    },
  }
}

interface Outage {
  begin(): Promise<void>
  end(): Promise<void>
}

let nats: NatsServerHandle

beforeAll(async () => {
  nats = await startNatsServer()
})
afterAll(async () => {
  await nats?.dispose()
})

/** A bus and a way to take its usage side down and bring it back. */
interface BusUnderTest {
  readonly bus: Bus
  readonly publisher: UsagePublisher
  readonly outage: Outage
}

const buses: ReadonlyArray<readonly [string, () => Promise<BusUnderTest>]> = [
  [
    'in-process bus',
    async () => {
      const bus = createInProcessBus({ name: 'usage-pipeline' })
      // The in-process bus cannot go away: its outage is a publisher that refuses, as NATS would.
      let isDown = false
      return {
        bus,
        publisher: {
          publishUsage: (event) =>
            isDown ? Promise.reject(new UsagePublishError('bus unreachable')) : bus.publishUsage(event),
        },
        outage: {
          begin: async () => {
            isDown = true
          },
          end: async () => {
            isDown = false
          },
        },
      }
    },
  ],
  [
    'NATS JetStream',
    async () => {
      // A short request timeout, so the publishes caught by the outage fail within a second.
      const bus = await createNatsBus({ servers: nats.url, name: 'usage-pipeline', requestTimeoutMs: 1_000 })
      return { bus, publisher: bus, outage: { begin: () => nats.stop(), end: () => nats.start() } }
    },
  ],
]

describe.each(buses)('usage metering through the %s', (name, openBus) => {
  let under: BusUnderTest
  let harness: GatewayHarness
  let consumer: ReturnType<typeof consumeEvents>
  let spoolDir: string
  const tag = name === 'NATS JetStream' ? 'nats' : 'inproc'

  beforeAll(async () => {
    under = await openBus()
    spoolDir = mkdtempSync(join(tmpdir(), 'sy-usage-spool-'))
    harness = await startGatewayHarness({
      models: [
        {
          name: 'metered',
          deployments: [
            {
              upstreamModel: 'metered-1',
              inputMicroUsdPerMTok: INPUT_MICRO_USD_PER_MTOK,
              outputMicroUsdPerMTok: OUTPUT_MICRO_USD_PER_MTOK,
            },
          ],
        },
      ],
      usage: { bus: under.publisher, spoolDir, emitter: { replayIntervalMs: 100 } },
    })
    harness.simulator.scenarios.set('metered-1', { outputTokens: OUTPUT_TOKENS })
    consumer = consumeEvents(under.bus)
  })
  afterAll(async () => {
    // The harness flushes its emitter before the bus closes, as a pod does.
    await harness?.close()
    await consumer?.stop()
    await under?.bus.close()
    rmSync(spoolDir, { recursive: true, force: true })
  })

  async function whole(prompt: string, requestId: string): Promise<ClientUsage> {
    const response = await harness.post(
      '/v1/chat/completions',
      { model: 'metered', messages: [{ role: 'user', content: prompt }] },
      { 'x-request-id': requestId },
    )
    expect(response.status).toBe(200)
    const body = (await response.json()) as { usage: ClientUsage }
    return body.usage
  }

  async function streamed(prompt: string, requestId: string): Promise<ClientUsage> {
    const response = await harness.post(
      '/v1/chat/completions',
      {
        model: 'metered',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: prompt }],
      },
      { 'x-request-id': requestId },
    )
    expect(response.status).toBe(200)
    const frames = (await response.text()).split('\n\n').filter((frame) => frame.startsWith('data: {'))
    const chunks = frames.map((frame) => JSON.parse(frame.slice('data: '.length)) as { usage?: ClientUsage | null })
    const usage = chunks.findLast((chunk) => chunk.usage)?.usage
    if (!usage) throw new Error('the stream carried no usage')
    return usage
  }

  function expectExactCosts(requestEvents: readonly RequestUsageEvent[], seen: ReadonlyMap<string, ClientUsage>) {
    let expectedTotal = 0
    for (const event of requestEvents) {
      const usage = seen.get(event.requestId)
      if (!usage) throw new Error(`no client usage for ${event.requestId}`)
      expect(event).toMatchObject({
        status: 'success',
        attemptCount: 1,
        tokens: { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens, isEstimated: false },
        costMicroUsd: expectedCostMicroUsd(usage),
      })
      expectedTotal += expectedCostMicroUsd(usage)
    }
    const total = requestEvents.reduce((sum, event) => sum + event.costMicroUsd, 0)
    expect(total).toBe(expectedTotal)
    return total
  }

  it('meters streamed and whole answers exactly, to the micro-dollar, once each', async () => {
    const seen = new Map<string, ClientUsage>()
    for (const [index, prompt] of PROMPTS.entries()) {
      seen.set(`${tag}-whole-${index}`, await whole(prompt, `${tag}-whole-${index}`))
      seen.set(`${tag}-stream-${index}`, await streamed(prompt, `${tag}-stream-${index}`))
    }
    const requestIds = new Set(seen.keys())
    // One attempt event and one request event per request.
    await until('every usage event', () => consumer.eventsOf(requestIds).length === 2 * requestIds.size)
    const requestEvents = consumer.requestEvents(requestIds)
    expect(requestEvents).toHaveLength(requestIds.size)
    const total = expectExactCosts(requestEvents, seen)
    expect(total).toBeGreaterThan(0)

    // The same prompt costs the same, streamed or not.
    const byRequestId = new Map(requestEvents.map((event) => [event.requestId, event]))
    for (const index of PROMPTS.keys()) {
      const wholeEvent = byRequestId.get(`${tag}-whole-${index}`)
      const streamEvent = byRequestId.get(`${tag}-stream-${index}`)
      expect(wholeEvent?.isStream).toBe(false)
      expect(streamEvent?.isStream).toBe(true)
      expect(streamEvent?.tokens).toEqual(wholeEvent?.tokens)
      expect(streamEvent?.costMicroUsd).toBe(wholeEvent?.costMicroUsd)
      expect(streamEvent?.timeToFirstTokenMs).not.toBeNull()
    }
    // The answering attempts carry the same cost as their requests.
    const attemptCost = consumer
      .eventsOf(requestIds)
      .filter((event) => event.kind === 'attempt')
      .reduce((sum, event) => sum + event.costMicroUsd, 0)
    expect(attemptCost).toBe(total)
    for (const id of consumer.eventsOf(requestIds).map((event) => event.id)) {
      expect(consumer.deliveries.get(id)).toBe(1)
    }
    expect(harness.usageEmitter?.stats()).toMatchObject({ dropped: 0, spooled: 0 })
  })

  it('keeps serving while the bus is down, spools the usage, and delivers every event once when it is back', async () => {
    const emitter = harness.usageEmitter
    if (!emitter) throw new Error('the harness has no usage emitter')
    const spooledBefore = emitter.stats().spooled
    await under.outage.begin()
    const seen = new Map<string, ClientUsage>()
    for (const [index, prompt] of PROMPTS.entries()) {
      seen.set(`${tag}-down-whole-${index}`, await whole(prompt, `${tag}-down-whole-${index}`))
      seen.set(`${tag}-down-stream-${index}`, await streamed(prompt, `${tag}-down-stream-${index}`))
    }
    const requestIds = new Set(seen.keys())
    const eventCount = 2 * requestIds.size
    await until('the events to reach the spool', () => emitter.stats().spooled - spooledBefore >= eventCount)
    expect(emitter.stats().spoolBytes).toBeGreaterThan(0)
    expect(consumer.eventsOf(requestIds)).toHaveLength(0)

    await under.outage.end()
    await until('the spooled events to arrive', () => consumer.eventsOf(requestIds).length === eventCount, 45_000)
    await until('the spool to empty', () => emitter.stats().spoolBytes === 0)
    expectExactCosts(consumer.requestEvents(requestIds), seen)
    for (const event of consumer.eventsOf(requestIds)) expect(consumer.deliveries.get(event.id)).toBe(1)
    expect(emitter.stats()).toMatchObject({ dropped: 0, spoolCorruptLines: 0, isBusFailing: false })
    expect(emitter.stats().replayed).toBeGreaterThanOrEqual(eventCount)
    // The same numbers on the pod's Prometheus endpoint.
    const metrics = await (await fetch(`${harness.gatewayUrl}/metrics`)).text()
    const counter = (metric: string) => Number(new RegExp(`^${metric} (\\d+)$`, 'm').exec(metrics)?.[1])
    expect(counter('switchyard_usage_events_spooled_total')).toBe(emitter.stats().spooled)
    expect(counter('switchyard_usage_events_replayed_total')).toBe(emitter.stats().replayed)
    expect(counter('switchyard_usage_spool_bytes')).toBe(0)
    expect(metrics).toContain('switchyard_usage_events_dropped_total{reason="queue_full"} 0')
  })

  it('meters failed and broken requests once each, and nothing for requests refused at admission', async () => {
    harness.simulator.scenarios.set('metered-1', { error: { status: 503 } })
    const failed = await harness.post(
      '/v1/chat/completions',
      { model: 'metered', messages: [{ role: 'user', content: 'hello' }] },
      { 'x-request-id': `${tag}-failed` },
    )
    expect(failed.status).toBe(503)
    const attempts = Number(failed.headers.get('x-switchyard-attempts'))
    harness.simulator.scenarios.set('metered-1', { outputTokens: 40, resetAfterChunks: 3 })
    const broken = await harness.post(
      '/v1/chat/completions',
      { model: 'metered', stream: true, messages: [{ role: 'user', content: 'hello' }] },
      { 'x-request-id': `${tag}-broken` },
    )
    expect(broken.status).toBe(200)
    const brokenBody = await broken.text()
    expect(brokenBody).not.toContain('[DONE]')
    // What the client saw before the break, which the estimate must count.
    const brokenText = brokenBody
      .split('\n\n')
      .filter((frame) => frame.startsWith('data: {"id"'))
      .map((frame) => (JSON.parse(frame.slice('data: '.length)) as StreamedChunk).choices[0]?.delta.content ?? '')
      .join('')
    expect(brokenText.length).toBeGreaterThan(0)
    // A client that leaves before the first byte: the upstream answers only after 2 s.
    harness.simulator.scenarios.set('metered-1', { latencyMs: 2_000 })
    const leaving = new AbortController()
    const left = fetch(`${harness.gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${harness.apiKey}`,
        'content-type': 'application/json',
        'x-request-id': `${tag}-left`,
      },
      body: JSON.stringify({ model: 'metered', messages: [{ role: 'user', content: 'hello' }] }),
      signal: leaving.signal,
    })
    await delay(300)
    leaving.abort()
    await expect(left).rejects.toThrow()
    harness.simulator.scenarios.set('metered-1', { outputTokens: OUTPUT_TOKENS })
    const badKey = await fetch(`${harness.gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer sk-sy-wrong',
        'content-type': 'application/json',
        'x-request-id': `${tag}-401`,
      },
      body: JSON.stringify({ model: 'metered', messages: [{ role: 'user', content: 'hello' }] }),
    })
    expect(badKey.status).toBe(401)
    const unknownModel = await harness.post(
      '/v1/chat/completions',
      { model: 'no-such-model', messages: [{ role: 'user', content: 'hello' }] },
      { 'x-request-id': `${tag}-404` },
    )
    expect(unknownModel.status).toBe(404)
    // A last request whose events arriving means everything emitted before it was handled.
    await whole('hello', `${tag}-sentinel`)

    const requestIds = new Set([`${tag}-failed`, `${tag}-broken`, `${tag}-left`, `${tag}-sentinel`])
    await until('the events of the failed, broken, left and last requests', () => {
      return consumer.eventsOf(requestIds).length === attempts + 1 + 2 + 2 + 2
    })
    const byRequestId = new Map(consumer.requestEvents(requestIds).map((event) => [event.requestId, event]))
    expect(byRequestId.get(`${tag}-failed`)).toMatchObject({
      status: 'upstream_error',
      httpStatus: 503,
      errorClass: 'overloaded',
      attemptCount: attempts,
      deploymentId: null,
      costMicroUsd: 0,
    })
    // The stream broke before the provider's usage: the tokenizer's estimate, flagged, and priced.
    const count = await loadTokenCounter()
    // 3 for the reply, 3 for the one message, its role and its text (OpenAI's chat framing).
    const promptTokens = 3 + 3 + count('user') + count('hello')
    const outputTokens = count(brokenText)
    expect(byRequestId.get(`${tag}-broken`)).toMatchObject({
      status: 'upstream_error',
      httpStatus: 200,
      isStream: true,
      tokens: { inputTokens: promptTokens, outputTokens, isEstimated: true },
      costMicroUsd: expectedCostMicroUsd({ prompt_tokens: promptTokens, completion_tokens: outputTokens }),
    })
    // The client that left before the first byte: aborted, with the attempt it cut short.
    expect(byRequestId.get(`${tag}-left`)).toMatchObject({
      status: 'aborted',
      httpStatus: 499,
      errorClass: 'client_closed',
      attemptCount: 1,
      costMicroUsd: 0,
    })
    const leftEvents = consumer.eventsOf(new Set([`${tag}-left`]))
    const leftAttempt = leftEvents.find((event) => event.kind === 'attempt')
    expect(leftAttempt).toMatchObject({ status: 'aborted', errorClass: 'client_closed', attemptNumber: 1 })
    // One gateway-minted id links the attempt to its request, beside the client's x-request-id.
    expect(new Set(leftEvents.map((event) => event.gatewayRequestId)).size).toBe(1)
    expect(leftAttempt?.gatewayRequestId).not.toBe(`${tag}-left`)
    expect(consumer.eventsOf(new Set([`${tag}-401`, `${tag}-404`]))).toHaveLength(0)
    for (const event of consumer.eventsOf(requestIds)) expect(consumer.deliveries.get(event.id)).toBe(1)
  })
})
