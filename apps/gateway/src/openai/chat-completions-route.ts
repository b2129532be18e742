import { ChatCompletionRequest } from '@switchyard/contracts'
import type { ChatResult } from '@switchyard/providers'
import { type Context, Hono } from 'hono'
import { readCacheDirective } from '../cache/cache-directive.ts'
import { ChatCacheStep } from '../cache/chat-cache-step.ts'
import type { ExactCache } from '../cache/exact-cache.ts'
import { serveChatHit } from '../cache/serve-chat-hit.ts'
import { chatRequestSize } from '../limits/request-size.ts'
import type { MeteredRequest } from '../metering/build-usage-events.ts'
import { meteredRequest, meteredStream, type UsageMeter } from '../metering/usage-meter.ts'
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts'
import { type AdmissionDeps, type Admitted, admitRequest } from '../pipeline/admit-request.ts'
import { proxyHeaders } from '../pipeline/proxy-headers.ts'
import type { RoutingVariables } from '../routing/attempt-record.ts'
import { AttemptsFailedError } from '../routing/attempts-failed-error.ts'
import { ClientLeftError } from '../routing/client-left-error.ts'
import { type OpenedStream, openStream } from '../routing/open-stream.ts'
import { type RoutedCall, type RoutingDeps, runAttempts } from '../routing/run-attempts.ts'
import { chatEventStream } from '../sse/chat-event-stream.ts'
import { type InvokeDeps, invokeChat } from '../upstream/invoke-chat.ts'

export interface ChatRouteDeps extends AdmissionDeps, InvokeDeps, RoutingDeps {
  readonly metrics: GatewayMetrics
  readonly meter: UsageMeter
  /** The pod's exact cache; absent: nothing is cached. */
  readonly cache?: ExactCache | undefined
}

type Env = { Variables: RoutingVariables }
export type Finish = (status: number, provider: string, upstreamMs: number) => number

const ROUTE = '/v1/chat/completions'

/**
 * `POST /v1/chat/completions`, streaming and not, through the attempt loop: the route's strategy
 * picks a deployment, failures are retried and fall back per route, and the response headers
 * say who answered after how many attempts.
 */
export function chatCompletionsRoute(deps: ChatRouteDeps): Hono<Env> {
  const app = new Hono<Env>()
  app.post(ROUTE, async (c) => {
    const startedAt = performance.now()
    const startedAtMs = deps.now()
    const directive = readCacheDirective(c.req.raw.headers)
    const admitted = await admitRequest(deps, c.req.raw, ChatCompletionRequest, 'chat', chatRequestSize)
    const metered = meteredRequest(admitted, 'chat.completions', admitted.body.stream === true, startedAtMs)
    const cache = new ChatCacheStep(deps.cache, admitted, admitted.body, directive, deps.now)
    const finish: Finish = (status, provider, upstreamMs) => {
      const durationMs = performance.now() - startedAt
      const overheadMs = Math.max(0, durationMs - upstreamMs)
      deps.metrics.recordCall({ route: ROUTE, model: admitted.model.name, provider, status, durationMs, overheadMs })
      return overheadMs
    }
    if (cache.hit !== null)
      return serveChatHit(deps, c, { admitted, metered, hit: cache.hit, headers: cache.headers(), finish })
    const upstreamStartedAt = performance.now()
    try {
      return admitted.body.stream
        ? await answerStream(deps, c, admitted, metered, finish, cache)
        : await answerWhole(deps, c, admitted, metered, finish, cache)
    } catch (error) {
      if (error instanceof AttemptsFailedError) {
        c.set('routing', error.summary)
        finish(error.status, error.summary.attempts.at(-1)?.providerName ?? '', performance.now() - upstreamStartedAt)
        deps.meter.failed(metered, error)
        admitted.limits.settle(null, null)
      } else if (error instanceof ClientLeftError) {
        c.set('routing', error.summary)
        deps.meter.clientLeft(metered, error)
      }
      throw error
    }
  })
  return app
}

async function answerWhole(
  deps: ChatRouteDeps,
  c: Context<Env>,
  admitted: Admitted<ChatCompletionRequest>,
  metered: MeteredRequest,
  finish: Finish,
  cache: ChatCacheStep,
): Promise<Response> {
  const { body, requestId } = admitted
  const upstreamStartedAt = performance.now()
  const routed = await runAttempts(deps, {
    model: admitted.model,
    signal: c.req.raw.signal,
    isStream: false,
    invoke: (target) => invokeChat(deps, { ...target, requestId }, body),
  })
  const upstreamMs = performance.now() - upstreamStartedAt
  c.set('routing', routed.summary)
  const result: ChatResult = routed.value
  const provider = routed.deployment.provider.name
  deps.metrics.recordTokens(routed.model.name, provider, result.usage)
  const json = JSON.stringify(result.completion)
  const overheadMs = finish(200, provider, upstreamMs)
  const response = new Response(json, {
    headers: {
      ...proxyHeaders(admitted, routed),
      ...cache.headers(),
      'content-type': 'application/json',
      'x-switchyard-overhead-ms': overheadMs.toFixed(3),
    },
  })
  cache.storeWhole(result, routed.summary, json)
  deps.meter.answered(metered, routed.summary, result.usage)
  admitted.limits.settle(routed.deployment, result.usage)
  return response
}

async function answerStream(
  deps: ChatRouteDeps,
  c: Context<Env>,
  admitted: Admitted<ChatCompletionRequest>,
  metered: MeteredRequest,
  finish: Finish,
  cache: ChatCacheStep,
): Promise<Response> {
  const { body, requestId } = admitted
  const upstreamAbort = new AbortController()
  const upstreamStartedAt = performance.now()
  const routed: RoutedCall<OpenedStream> = await runAttempts(deps, {
    model: admitted.model,
    signal: AbortSignal.any([c.req.raw.signal, upstreamAbort.signal]),
    isStream: true,
    invoke: (target) => openStream(deps, target, requestId, body),
  })
  c.set('routing', routed.summary)
  const provider = routed.deployment.provider.name
  const overheadMs = finish(200, provider, performance.now() - upstreamStartedAt)
  const tapped = cache.tap(routed.value.first, routed.value.events)
  const { first, events } = meteredStream(metered, tapped.first, tapped.events)
  const stream = chatEventStream(first, events, {
    includeUsage: body.stream_options?.include_usage === true,
    abortUpstream: () => upstreamAbort.abort(),
    onEnd: (outcome) => {
      routed.end(outcome)
      cache.storeStream(outcome, routed.summary)
      if (outcome.usage) deps.metrics.recordTokens(routed.model.name, provider, outcome.usage)
      deps.meter.streamEnded(metered, routed.summary, outcome)
      admitted.limits.settle(routed.deployment, outcome.usage ?? null)
    },
  })
  return new Response(stream, {
    headers: {
      ...proxyHeaders(admitted, routed),
      ...cache.headers(),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-switchyard-overhead-ms': overheadMs.toFixed(3),
    },
  })
}
