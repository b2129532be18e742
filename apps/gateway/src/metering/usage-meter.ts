import { randomUUID } from 'node:crypto'
import type { TokenUsage } from '@switchyard/contracts'
import type { Logger } from '@switchyard/http-server'
import { UpstreamError } from '@switchyard/providers'
import type { Admitted } from '../pipeline/admit-request.ts'
import type { RoutingSummary } from '../routing/attempt-record.ts'
import type { AttemptsFailedError } from '../routing/attempts-failed-error.ts'
import type { StreamOutcome } from '../sse/chat-event-stream.ts'
import {
  buildUsageEvents,
  type MeteredOutcome,
  type MeteredRequest,
  type RequestEnd,
  type UsageEndpoint,
} from './build-usage-events.ts'
import type { UsageSink } from './usage-emitter.ts'

export interface UsageMeterDeps {
  readonly podId: string
  /** Absent: nothing is metered (route tests that do not look at usage). */
  readonly sink: UsageSink | undefined
  readonly log: Logger
  readonly now: () => number
  readonly newId?: () => string
}

/** The request as metering sees it, from what admission returned. */
export function meteredRequest(
  admitted: Admitted<unknown>,
  endpoint: UsageEndpoint,
  isStream: boolean,
  startedAtMs: number,
): MeteredRequest {
  return {
    requestId: admitted.requestId,
    gatewayRequestId: randomUUID(),
    key: admitted.key,
    endpoint,
    isStream,
    startedAtMs,
  }
}

/** How a stream ended, from the stream writer's outcome. */
export function streamEnd(outcome: StreamOutcome): RequestEnd {
  if (outcome.isClientGone) return { kind: 'abandoned', usage: outcome.usage }
  if (outcome.error === null || outcome.error === undefined) return { kind: 'answered', usage: outcome.usage }
  const errorClass = outcome.error instanceof UpstreamError ? outcome.error.errorClass : 'stream_error'
  return { kind: 'broken', usage: outcome.usage, errorClass }
}

/**
 * The routes' one call per proxied request that reached an upstream attempt. It only notes the
 * request: the events are built and handed to the sink on a later turn of the event loop, after
 * the response went out, several requests at a time.
 */
export class UsageMeter {
  readonly #podId: string
  readonly #sink: UsageSink | undefined
  readonly #log: Logger
  readonly #now: () => number
  readonly #newId: () => string
  #pending: Array<{ readonly request: MeteredRequest; readonly outcome: MeteredOutcome }> = []

  constructor(deps: UsageMeterDeps) {
    this.#podId = deps.podId
    this.#sink = deps.sink
    this.#log = deps.log
    this.#now = deps.now
    this.#newId = deps.newId ?? randomUUID
  }

  /** A whole answer (or a stream that ran to its end). */
  answered(request: MeteredRequest, routing: RoutingSummary, usage: TokenUsage): void {
    this.record(request, { routing, end: { kind: 'answered', usage }, endedAtMs: this.#now() })
  }

  /** Every attempt failed. */
  failed(request: MeteredRequest, error: AttemptsFailedError): void {
    const end: RequestEnd = { kind: 'failed', errorClass: error.lastError.errorClass, httpStatus: error.status }
    this.record(request, { routing: error.summary, end, endedAtMs: this.#now() })
  }

  /** A stream ended, whole or not: call from the stream writer's `onEnd`. */
  streamEnded(request: MeteredRequest, routing: RoutingSummary, outcome: StreamOutcome): void {
    this.record(request, { routing, end: streamEnd(outcome), endedAtMs: this.#now() })
  }

  record(request: MeteredRequest, outcome: MeteredOutcome): void {
    if (!this.#sink) return
    this.#pending.push({ request, outcome })
    if (this.#pending.length === 1) setImmediate(() => this.#flush())
  }

  #flush(): void {
    const sink = this.#sink
    const pending = this.#pending
    this.#pending = []
    if (!sink) return
    const context = { podId: this.#podId, newId: this.#newId }
    for (const { request, outcome } of pending) {
      try {
        sink.emit(buildUsageEvents(request, outcome, context))
      } catch (error) {
        // Only a price or a count beyond a safe integer can throw here: a bug to see, not to hide.
        this.#log.error({ err: error, requestId: request.requestId }, 'could not build the usage events of a request')
      }
    }
  }
}
