import { randomUUID } from 'node:crypto'
import { AnthropicCountTokensRequest, AnthropicMessagesRequest, type ChatCompletion } from '@switchyard/contracts'
import { HttpError, type Logger } from '@switchyard/http-server'
import { type Context, Hono } from 'hono'
import { type CacheDirective, readCacheDirective } from '../cache/cache-directive.ts'
import { type CacheHit, ChatCacheStep } from '../cache/chat-cache-step.ts'
import type { ExactCache } from '../cache/exact-cache.ts'
import { replayEvents, replayIterator } from '../cache/replay-answer.ts'
import { CACHE_PROVIDER_LABEL, cacheHitHeaders, cacheHitSummary } from '../cache/serve-chat-hit.ts'
import { asClientError } from '../gateway-errors.ts'
import { messagesRequestSize } from '../limits/request-size.ts'
import type { MeteredRequest } from '../metering/build-usage-events.ts'
import { meteredRequest, meteredStream, type UsageMeter } from '../metering/usage-meter.ts'
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts'
import { type AdmissionDeps, type Admitted, admitRequest } from '../pipeline/admit-request.ts'
import { proxyHeaders } from '../pipeline/proxy-headers.ts'
import type { RoutingVariables } from '../routing/attempt-record.ts'
import { AttemptsFailedError } from '../routing/attempts-failed-error.ts'
import { ClientLeftError } from '../routing/client-left-error.ts'
import { openStream } from '../routing/open-stream.ts'
import { type RoutedCall, type RoutingDeps, runAttempts } from '../routing/run-attempts.ts'
import { type InvokeDeps, invokeChat } from '../upstream/invoke-chat.ts'
import { toAnthropicError } from './anthropic-errors.ts'
import { anthropicEventStream } from './anthropic-event-stream.ts'
import { AnthropicStreamTranslator } from './anthropic-stream-translator.ts'
import { estimateInputTokens } from './estimate-input-tokens.ts'
import { type MessageContext, toAnthropicMessage } from './to-anthropic-message.ts'
import { toChatRequest } from './to-chat-request.ts'

export interface MessagesRouteDeps extends AdmissionDeps, InvokeDeps, RoutingDeps {
  readonly metrics: GatewayMetrics
  readonly meter: UsageMeter
  readonly log: Logger
  /** The pod's exact cache; absent: nothing is cached. */
  readonly cache?: ExactCache | undefined
}

type Env = { Variables: RoutingVariables }

const ROUTE = '/v1/messages'
const COUNT_TOKENS_ROUTE = '/v1/messages/count_tokens'

/**
 * The Anthropic Messages API (`POST /v1/messages`, streaming and not), translated to the
 * canonical request and sent to whichever provider the model maps to. `anthropic-version` is
 * accepted whatever it says and `anthropic-beta` ignored. Every error on these routes, auth and
 * validation included, is answered in Anthropic's shape, not the app's OpenAI one.
 */
export function messagesRoute(deps: MessagesRouteDeps): Hono<Env> {
  const app = new Hono<Env>()
  app.post(ROUTE, async (c) => {
    const startedAt = performance.now()
    const startedAtMs = deps.now()
    let requestId: string | undefined
    try {
      const directive = readCacheDirective(c.req.raw.headers)
      const admitted = await admitRequest(deps, c.req.raw, AnthropicMessagesRequest, 'messages', messagesRequestSize)
      requestId = admitted.requestId
      return await proxyMessage(deps, c, admitted, { startedAt, startedAtMs, directive })
    } catch (error) {
      return errorResponse(deps.log, c, error, requestId)
    }
  })
  app.post(COUNT_TOKENS_ROUTE, async (c) => {
    try {
      const { body, requestId } = await admitRequest(deps, c.req.raw, AnthropicCountTokensRequest, 'messages')
      return c.json({ input_tokens: estimateInputTokens(body) }, 200, {
        'x-request-id': requestId,
        'x-switchyard-warning': 'input_tokens is an estimate (about 4 characters per token), not a provider count',
      })
    } catch (error) {
      return errorResponse(deps.log, c, error, undefined)
    }
  })
  return app
}

async function proxyMessage(
  deps: MessagesRouteDeps,
  c: Context<Env>,
  admitted: Admitted<AnthropicMessagesRequest>,
  { startedAt, startedAtMs, directive }: { startedAt: number; startedAtMs: number; directive: CacheDirective | null },
): Promise<Response> {
  const { body, model, requestId } = admitted
  const translated = toChatRequest(body)
  // The cache works on the canonical request: an OpenAI request that translates the same shares its answers.
  const cache = new ChatCacheStep(deps.cache, admitted, translated.request, directive, deps.now)
  // Estimates count the canonical request the provider was sent.
  const metered = meteredRequest(admitted, 'messages', body.stream === true, startedAtMs, {
    kind: 'chat',
    request: translated.request,
  })
  const upstreamAbort = new AbortController()
  const context: MessageContext = {
    messageId: `msg_${randomUUID().replaceAll('-', '')}`,
    model: body.model,
    stopSequences: body.stop_sequences ?? [],
  }
  const finish = (status: number, provider: string, upstreamMs: number) => {
    const durationMs = performance.now() - startedAt
    const overheadMs = Math.max(0, durationMs - upstreamMs)
    deps.metrics.recordCall({ route: ROUTE, model: model.name, provider, status, durationMs, overheadMs })
    return overheadMs.toFixed(3)
  }
  const headersOf = (routed: RoutedCall<unknown>) =>
    responseHeaders(
      { ...proxyHeaders({ requestId, body: translated.request, limits: admitted.limits }, routed), ...cache.headers() },
      translated,
    )
  if (cache.hit !== null) {
    const overheadMs = finish(200, CACHE_PROVIDER_LABEL, 0)
    const headers = responseHeaders(cacheHitHeaders(admitted, cache.headers()), translated)
    return messageFromCache(deps, c, { admitted, metered, context, hit: cache.hit, overheadMs, headers })
  }

  const upstreamStartedAt = performance.now()
  try {
    if (body.stream === true) {
      const routed = await runAttempts(deps, {
        model,
        signal: AbortSignal.any([c.req.raw.signal, upstreamAbort.signal]),
        isStream: true,
        invoke: (target) => openStream(deps, target, requestId, translated.request),
      })
      c.set('routing', routed.summary)
      const provider = routed.deployment.provider.name
      const overheadMs = finish(200, provider, performance.now() - upstreamStartedAt)
      const tapped = cache.tap(routed.value.first, routed.value.events)
      const { first, events } = meteredStream(metered, tapped.first, tapped.events)
      const stream = anthropicEventStream(first, events, new AnthropicStreamTranslator(context), {
        requestId,
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
          ...headersOf(routed),
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          'x-switchyard-overhead-ms': overheadMs,
        },
      })
    }
    const routed = await runAttempts(deps, {
      model,
      signal: c.req.raw.signal,
      isStream: false,
      invoke: (target) => invokeChat(deps, { ...target, requestId }, translated.request),
    })
    const upstreamMs = performance.now() - upstreamStartedAt
    c.set('routing', routed.summary)
    const provider = routed.deployment.provider.name
    deps.metrics.recordTokens(routed.model.name, provider, routed.value.usage)
    const json = JSON.stringify(toAnthropicMessage(routed.value, context))
    const overheadMs = finish(200, provider, upstreamMs)
    const response = new Response(json, {
      headers: { ...headersOf(routed), 'content-type': 'application/json', 'x-switchyard-overhead-ms': overheadMs },
    })
    cache.storeWhole(routed.value, routed.summary)
    deps.meter.answered(metered, routed.summary, routed.value.usage)
    admitted.limits.settle(routed.deployment, routed.value.usage)
    return response
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
}

interface MessageHit {
  readonly admitted: Admitted<AnthropicMessagesRequest>
  readonly metered: MeteredRequest
  readonly context: MessageContext
  readonly hit: CacheHit
  readonly overheadMs: string
  readonly headers: Record<string, string>
}

/**
 * A message answered from the cache, whole or replayed as Anthropic's stream events; like the
 * chat route's hits, it settles its limits with nothing spent and is metered as a hit.
 */
function messageFromCache(deps: MessagesRouteDeps, c: Context<Env>, served: MessageHit): Response {
  const { admitted, metered, context, hit } = served
  const { answer } = hit
  const completion = JSON.parse(answer.completionJson) as ChatCompletion
  c.set('routing', cacheHitSummary(admitted.body.model))
  admitted.limits.settle(null, null)
  const headers = { ...served.headers, 'x-switchyard-overhead-ms': served.overheadMs }
  const meterHit = () => deps.meter.cacheHit(metered, admitted.body.model, answer.costMicroUsd)
  if (admitted.body.stream !== true) {
    meterHit()
    const json = JSON.stringify(toAnthropicMessage({ completion, usage: answer.usage }, context))
    return new Response(json, { headers: { ...headers, 'content-type': 'application/json' } })
  }
  const { first, events } = replayIterator(replayEvents(completion, answer.usage))
  const stream = anthropicEventStream(first, events, new AnthropicStreamTranslator(context), {
    requestId: admitted.requestId,
    abortUpstream: () => {},
    onEnd: meterHit,
  })
  return new Response(stream, {
    headers: { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
  })
}

/** The proxy headers, Anthropic's `request-id`, and a warning naming what was dropped in translation. */
function responseHeaders(
  proxied: Record<string, string>,
  translated: { readonly droppedFields: readonly string[] },
): Record<string, string> {
  const headers: Record<string, string> = { ...proxied }
  const requestId = proxied['x-request-id']
  if (requestId !== undefined) headers['request-id'] = requestId
  if (translated.droppedFields.length > 0) {
    const warning = `dropped fields the gateway cannot translate: ${translated.droppedFields.join(', ')}`
    const earlier = headers['x-switchyard-warning']
    headers['x-switchyard-warning'] = earlier === undefined ? warning : `${earlier}; ${warning}`
  }
  return headers
}

/** The app's error mapper, in Anthropic's shape: only `HttpError`s speak; anything else is logged. */
function errorResponse(log: Logger, c: Context, error: unknown, requestId: string | undefined): Response {
  const clientError = asClientError(error)
  const { status, body, headers } = toAnthropicError(clientError, requestId)
  if (status >= 500 && !(clientError instanceof HttpError)) {
    log.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed')
  }
  const idHeaders = requestId === undefined ? {} : { 'x-request-id': requestId, 'request-id': requestId }
  return c.json(body, status, { ...headers, ...idHeaders })
}
