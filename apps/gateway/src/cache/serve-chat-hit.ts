import type { ChatCompletion, ChatCompletionRequest } from '@switchyard/contracts'
import type { Context } from 'hono'
import type { MeteredRequest } from '../metering/build-usage-events.ts'
import type { UsageMeter } from '../metering/usage-meter.ts'
import type { Admitted } from '../pipeline/admit-request.ts'
import type { RoutingSummary, RoutingVariables } from '../routing/attempt-record.ts'
import { chatEventStream } from '../sse/chat-event-stream.ts'
import type { CacheHit } from './chat-cache-step.ts'
import { replayEvents, replayIterator } from './replay-answer.ts'

export interface CacheHitDeps {
  readonly meter: UsageMeter
}

export interface ServedHit {
  readonly admitted: Admitted<ChatCompletionRequest>
  readonly metered: MeteredRequest
  readonly hit: CacheHit
  /** `x-switchyard-cache: hit` and `age`. */
  readonly headers: Record<string, string>
  /** Records the call's metrics; returns the gateway's overhead in ms. */
  readonly finish: (status: number, provider: string, upstreamMs: number) => number
}

/** The provider label of calls answered from the cache, in `switchyard_request_duration_seconds`. */
export const CACHE_PROVIDER_LABEL = 'cache'

/** The routing summary of an answer from the cache: no attempt, nobody upstream. */
export function cacheHitSummary(requestedModel: string): RoutingSummary {
  return { requestedModel, attempts: [], answeredBy: null, fallbackFrom: null }
}

/** Headers every answer from the cache carries (the Anthropic route adds its own). */
export function cacheHitHeaders(
  admitted: Admitted<unknown>,
  cacheHeaders: Record<string, string>,
): Record<string, string> {
  const headers: Record<string, string> = {
    ...admitted.limits.headers,
    'x-request-id': admitted.requestId,
    'x-switchyard-attempts': '0',
    ...cacheHeaders,
  }
  if (admitted.limits.downgradedFrom) headers['x-switchyard-downgraded-from'] = admitted.limits.downgradedFrom
  return headers
}

/**
 * Answers a chat completion from the cache: the stored JSON as it is for a whole answer, or
 * the answer replayed as a stream (valid chunks, usage when asked, `[DONE]`). The limits ticket
 * settles with nothing spent (the request still counts against requests per minute), and the
 * request is metered as a hit that cost nothing and saved what the answer cost first.
 */
export function serveChatHit(
  deps: CacheHitDeps,
  c: Context<{ Variables: RoutingVariables }>,
  served: ServedHit,
): Response {
  const { admitted, metered, hit } = served
  const { answer } = hit
  c.set('routing', cacheHitSummary(admitted.body.model))
  admitted.limits.settle(null, null)
  const overheadMs = served.finish(200, CACHE_PROVIDER_LABEL, 0)
  const headers = { ...cacheHitHeaders(admitted, served.headers), 'x-switchyard-overhead-ms': overheadMs.toFixed(3) }
  if (admitted.body.stream !== true) {
    deps.meter.cacheHit(metered, admitted.body.model, answer.costMicroUsd)
    return new Response(answer.completionJson, { headers: { ...headers, 'content-type': 'application/json' } })
  }
  const completion = JSON.parse(answer.completionJson) as ChatCompletion
  const { first, events } = replayIterator(replayEvents(completion, answer.usage))
  const stream = chatEventStream(first, events, {
    includeUsage: admitted.body.stream_options?.include_usage === true,
    abortUpstream: () => {},
    onEnd: () => deps.meter.cacheHit(metered, admitted.body.model, answer.costMicroUsd),
  })
  return new Response(stream, {
    headers: { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
  })
}
