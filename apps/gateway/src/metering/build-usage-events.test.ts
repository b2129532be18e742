import { randomUUID } from 'node:crypto'
import { type AttemptUsageEvent, type RequestUsageEvent, type TokenUsage, UsageEvent } from '@switchyard/contracts'
import { UpstreamError } from '@switchyard/providers'
import { describe, expect, it } from 'vitest'
import type { RuntimeDeployment, RuntimeKey } from '../policy/runtime-policy.ts'
import type { AttemptRecord, RoutingSummary } from '../routing/attempt-record.ts'
import { fixtureDeployment, fixtureModel } from '../routing/runtime-model-fixture.ts'
import {
  buildUsageEvents,
  type MeteredRequest,
  type RequestEnd,
  statusOfErrorClass,
  type UsageEventContext,
} from './build-usage-events.ts'
import { streamEnd } from './usage-meter.ts'

/** $2.50 / MTok input, $1.25 cached, $10 output. */
const priced: RuntimeDeployment = {
  ...fixtureDeployment('priced'),
  prices: { inputMicroUsdPerMTok: 2_500_000, outputMicroUsdPerMTok: 10_000_000, cachedInputMicroUsdPerMTok: 1_250_000 },
}
const other = fixtureDeployment('other')
const model = fixtureModel('gpt-test', [priced, other])

const key: RuntimeKey = {
  id: 'key_1',
  orgId: 'org_1',
  teamId: 'team_1',
  projectId: null,
  environment: 'prod',
  userId: 'user_1',
  tags: { costCenter: 'cc-42', app: 'search' },
  allowedModels: null,
  expiresAtMs: null,
  status: 'active',
}

const T0 = Date.parse('2026-11-20T10:00:00.000Z')

function request(overrides: Partial<MeteredRequest> = {}): MeteredRequest {
  return {
    requestId: 'client-id-1',
    gatewayRequestId: 'gw-req-1',
    key,
    endpoint: 'chat.completions',
    isStream: false,
    startedAtMs: T0,
    prompt: null,
    streamed: null,
    ...overrides,
  }
}

function attempt(number: number, deployment: RuntimeDeployment, fields: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    attemptNumber: number,
    model: model.name,
    deploymentId: deployment.id,
    providerId: deployment.provider.id,
    providerName: deployment.provider.name,
    providerType: deployment.provider.target.type,
    upstreamModel: deployment.upstreamModel,
    outcome: 'ok',
    httpStatus: 200,
    startedAtMs: T0 + 2,
    latencyMs: 40,
    timeToFirstByteMs: 40,
    fallbackReason: null,
    ...fields,
  }
}

function summary(attempts: AttemptRecord[], answeredBy: RuntimeDeployment | null): RoutingSummary {
  return {
    requestedModel: model.name,
    attempts,
    answeredBy: answeredBy === null ? null : { model, deployment: answeredBy },
    fallbackFrom: null,
  }
}

function usage(fields: Partial<TokenUsage> = {}): TokenUsage {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteInputTokens: 0,
    reasoningTokens: 0,
    ...fields,
  }
}

function sequentialIds(): UsageEventContext {
  let next = 0
  return {
    podId: 'pod-a',
    newId: () => {
      next += 1
      return `evt-${next}`
    },
  }
}

/** Builds, checks every event against the contract, and splits attempts from the request. */
function build(
  metered: MeteredRequest,
  routing: RoutingSummary,
  end: RequestEnd,
  endedAtMs = T0 + 100,
  context: UsageEventContext = sequentialIds(),
) {
  const events = buildUsageEvents(metered, { routing, end, endedAtMs }, context)
  for (const event of events) expect(UsageEvent.parse(event)).toEqual(event)
  const attempts = events.filter((event): event is AttemptUsageEvent => event.kind === 'attempt')
  const requests = events.filter((event): event is RequestUsageEvent => event.kind === 'request')
  expect(requests).toHaveLength(1)
  expect(events.at(-1)?.kind).toBe('request')
  return { events, attempts, request: requests[0] as RequestUsageEvent }
}

describe('buildUsageEvents', () => {
  it('meters a whole answer: one attempt event and one request event, cost exact to the micro-dollar', () => {
    // 1,001 input × 2.5 + 3 output × 10 = 2,532.5 micro-USD, rounded up once.
    const answer = usage({ inputTokens: 1_001, outputTokens: 3 })
    const { attempts, request: summaryEvent } = build(request(), summary([attempt(1, priced)], priced), {
      kind: 'answered',
      usage: answer,
    })
    expect(attempts).toHaveLength(1)
    const [only] = attempts
    expect(only).toMatchObject({
      gatewayRequestId: 'gw-req-1',
      attemptNumber: 1,
      deploymentId: priced.id,
      providerId: priced.provider.id,
      providerType: 'openai',
      upstreamModel: priced.upstreamModel,
      costMicroUsd: 2_533,
      tokens: { ...answer, isEstimated: false },
      status: 'success',
      httpStatus: 200,
      errorClass: null,
      fallbackReason: null,
      latencyMs: 40,
      timeToFirstTokenMs: null,
    })
    expect(summaryEvent).toMatchObject({
      id: 'evt-2',
      requestId: 'client-id-1',
      gatewayRequestId: 'gw-req-1',
      occurredAt: '2026-11-20T10:00:00.000Z',
      gatewayPodId: 'pod-a',
      requestedModel: 'gpt-test',
      endpoint: 'chat.completions',
      isStream: false,
      costMicroUsd: 2_533,
      tokens: { ...answer, isEstimated: false },
      attemptCount: 1,
      deploymentId: priced.id,
      latencyMs: 100,
      timeToFirstTokenMs: null,
      status: 'success',
      isCacheHit: false,
      cacheSavedMicroUsd: 0,
      guardrailActions: [],
    })
    expect(summaryEvent.attribution).toEqual({
      orgId: 'org_1',
      teamId: 'team_1',
      projectId: null,
      environment: 'prod',
      costCenter: 'cc-42',
      userId: 'user_1',
      keyId: 'key_1',
      tags: { costCenter: 'cc-42', app: 'search' },
    })
  })

  it('prices cached and reasoning tokens through the deployment schedule', () => {
    // 1,034 uncached × 2.5 + 200 cached × 1.25 + 567 output (100 of them reasoning) × 10 = 8,505.
    const answer = usage({ inputTokens: 1_234, cachedInputTokens: 200, outputTokens: 567, reasoningTokens: 100 })
    const { request: summaryEvent } = build(request(), summary([attempt(1, priced)], priced), {
      kind: 'answered',
      usage: answer,
    })
    expect(summaryEvent.costMicroUsd).toBe(8_505)
  })

  it('puts tokens and cost only on the attempt that answered after a retry and a fallback', () => {
    const fallbackModel = fixtureModel('gpt-fallback', [priced])
    const routing: RoutingSummary = {
      requestedModel: model.name,
      attempts: [
        attempt(1, other, { outcome: 'server_error', httpStatus: 502, timeToFirstByteMs: null, latencyMs: 12 }),
        attempt(2, other, { outcome: 'timeout', httpStatus: 504, timeToFirstByteMs: null, latencyMs: 30 }),
        attempt(3, priced, { model: fallbackModel.name, fallbackReason: '5xx', startedAtMs: T0 + 60 }),
      ],
      answeredBy: { model: fallbackModel, deployment: priced },
      fallbackFrom: model.name,
    }
    const answer = usage({ inputTokens: 10, outputTokens: 20 })
    const { attempts, request: summaryEvent } = build(request(), routing, { kind: 'answered', usage: answer })
    expect(attempts.map((event) => [event.attemptNumber, event.status, event.httpStatus, event.errorClass])).toEqual([
      [1, 'upstream_error', 502, 'server_error'],
      [2, 'timeout', 504, 'timeout'],
      [3, 'success', 200, null],
    ])
    for (const failed of attempts.slice(0, 2)) {
      expect(failed.costMicroUsd).toBe(0)
      expect(failed.tokens).toEqual({ ...usage(), isEstimated: false })
      expect(failed.deploymentId).toBe(other.id)
    }
    // 10 × 2.5 + 20 × 10 = 225.
    expect(attempts[2]).toMatchObject({ costMicroUsd: 225, fallbackReason: '5xx', deploymentId: priced.id })
    expect(summaryEvent).toMatchObject({ attemptCount: 3, deploymentId: priced.id, costMicroUsd: 225 })
    expect(summaryEvent.requestedModel).toBe('gpt-test')
  })

  it('meters a request whose attempts all failed with zero cost and the last error', () => {
    const routing = summary(
      [
        attempt(1, priced, { outcome: 'rate_limited', httpStatus: 429, timeToFirstByteMs: null }),
        attempt(2, other, { outcome: 'overloaded', httpStatus: 503, timeToFirstByteMs: null }),
      ],
      null,
    )
    const { attempts, request: summaryEvent } = build(request(), routing, {
      kind: 'failed',
      errorClass: 'overloaded',
      httpStatus: 503,
    })
    expect(attempts.map((event) => [event.status, event.httpStatus, event.errorClass, event.costMicroUsd])).toEqual([
      ['upstream_error', 429, 'rate_limited', 0],
      ['upstream_error', 503, 'overloaded', 0],
    ])
    expect(summaryEvent).toMatchObject({
      status: 'upstream_error',
      httpStatus: 503,
      errorClass: 'overloaded',
      costMicroUsd: 0,
      attemptCount: 2,
      deploymentId: null,
      tokens: { ...usage(), isEstimated: false },
    })
  })

  it('meters a stream that broke without usage as 0 estimated tokens and an upstream error', () => {
    const routing = summary([attempt(1, priced, { startedAtMs: T0 + 5, timeToFirstByteMs: 25, latencyMs: 25 })], priced)
    const { attempts, request: summaryEvent } = build(
      request({ isStream: true }),
      routing,
      { kind: 'broken', usage: null, errorClass: 'connection_error' },
      T0 + 900,
    )
    const estimated = { ...usage(), isEstimated: true }
    expect(attempts[0]).toMatchObject({
      tokens: estimated,
      costMicroUsd: 0,
      status: 'upstream_error',
      httpStatus: 200,
      errorClass: 'connection_error',
      // The answering attempt of a stream lasts to the stream's end; TTFT is its first event.
      latencyMs: 895,
      timeToFirstTokenMs: 25,
    })
    expect(summaryEvent).toMatchObject({
      tokens: estimated,
      status: 'upstream_error',
      httpStatus: 200,
      isStream: true,
      latencyMs: 900,
      timeToFirstTokenMs: 30,
    })
  })

  it('prices a tokenizer estimate like reported usage and flags it', () => {
    const routing = summary([attempt(1, priced)], priced)
    const estimate = usage({ inputTokens: 100, outputTokens: 3 })
    const { attempts, request: summaryEvent } = build(request({ isStream: true }), routing, {
      kind: 'broken',
      usage: null,
      estimate,
      errorClass: 'connection_error',
    })
    // 100 × 2.5 + 3 × 10 = 280.
    for (const event of [attempts[0], summaryEvent]) {
      expect(event).toMatchObject({ tokens: { ...estimate, isEstimated: true }, costMicroUsd: 280 })
    }
    // The provider's own usage, when it came, wins over any estimate.
    const reported = usage({ inputTokens: 7, outputTokens: 1 })
    const left = build(request({ isStream: true }), routing, { kind: 'abandoned', usage: reported, estimate })
    expect(left.request).toMatchObject({ tokens: { ...reported, isEstimated: false }, costMicroUsd: 28 })
  })

  it('meters a stream the client left as aborted, billing the usage the provider did report', () => {
    const routing = summary([attempt(1, priced)], priced)
    const left = build(request({ isStream: true }), routing, { kind: 'abandoned', usage: null })
    expect(left.request).toMatchObject({
      status: 'aborted',
      errorClass: 'client_closed',
      tokens: { isEstimated: true },
      costMicroUsd: 0,
    })
    const reported = usage({ inputTokens: 100, outputTokens: 1 })
    const withUsage = build(request({ isStream: true }), routing, { kind: 'abandoned', usage: reported })
    // 100 × 2.5 + 1 × 10 = 260.
    expect(withUsage.request).toMatchObject({ tokens: { ...reported, isEstimated: false }, costMicroUsd: 260 })
  })

  it('meters a stream that ended without provider usage as a success with estimated tokens', () => {
    const { request: summaryEvent } = build(request({ isStream: true }), summary([attempt(1, priced)], priced), {
      kind: 'answered',
      usage: null,
    })
    expect(summaryEvent).toMatchObject({ status: 'success', tokens: { isEstimated: true }, costMicroUsd: 0 })
  })

  it('marks an attempt the client cut short as aborted (499)', () => {
    const routing = summary(
      [attempt(1, priced, { outcome: 'client_closed', httpStatus: null, timeToFirstByteMs: null })],
      null,
    )
    const { attempts } = build(request(), routing, { kind: 'failed', errorClass: 'client_closed', httpStatus: 499 })
    expect(attempts[0]).toMatchObject({ status: 'aborted', httpStatus: 499, errorClass: 'client_closed' })
  })

  it('gives every event a fresh id, never the client request id, even when a client reuses it', () => {
    const context = { podId: 'pod-a', newId: randomUUID }
    const routing = summary([attempt(1, priced)], priced)
    const end: RequestEnd = { kind: 'answered', usage: usage({ inputTokens: 1 }) }
    const first = build(request(), routing, end, T0 + 1, context)
    const again = build(request(), routing, end, T0 + 1, context)
    const ids = [...first.events, ...again.events].map((event) => event.id)
    expect(new Set(ids).size).toBe(4)
    for (const id of ids) expect(id).not.toContain('client-id-1')
    expect(again.request.requestId).toBe(first.request.requestId)
  })

  it('leaves the cost center null when the key has no costCenter tag', () => {
    const untagged = { ...key, tags: {} }
    const { request: summaryEvent } = build(request({ key: untagged }), summary([attempt(1, priced)], priced), {
      kind: 'answered',
      usage: usage(),
    })
    expect(summaryEvent.attribution.costCenter).toBeNull()
  })
})

describe('statusOfErrorClass', () => {
  it('tells the request’s own faults from the provider’s', () => {
    expect(statusOfErrorClass('timeout')).toBe('timeout')
    expect(statusOfErrorClass('client_closed')).toBe('aborted')
    expect(statusOfErrorClass('context_length')).toBe('client_error')
    expect(statusOfErrorClass('invalid_request')).toBe('client_error')
    expect(statusOfErrorClass('content_policy')).toBe('client_error')
    expect(statusOfErrorClass('rate_limited')).toBe('upstream_error')
    expect(statusOfErrorClass('authentication')).toBe('upstream_error')
  })
})

describe('streamEnd', () => {
  const tokens = usage({ inputTokens: 3 })
  it('reads the stream writer’s outcome', () => {
    expect(streamEnd({ usage: tokens, error: null, isClientGone: false })).toEqual({ kind: 'answered', usage: tokens })
    expect(streamEnd({ usage: null, error: null, isClientGone: true })).toEqual({ kind: 'abandoned', usage: null })
    const idle = new UpstreamError({
      errorClass: 'timeout',
      status: 504,
      upstreamStatus: null,
      message: 'idle',
      type: 'x',
    })
    expect(streamEnd({ usage: null, error: idle, isClientGone: false })).toEqual({
      kind: 'broken',
      usage: null,
      errorClass: 'timeout',
    })
    expect(streamEnd({ usage: null, error: new Error('bad chunk'), isClientGone: false })).toEqual({
      kind: 'broken',
      usage: null,
      errorClass: 'stream_error',
    })
  })
})
