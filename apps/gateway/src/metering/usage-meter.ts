import { randomUUID } from 'node:crypto'
import type { ChatCompletionRequest, EmbeddingsRequest, TokenUsage } from '@switchyard/contracts'
import type { Logger } from '@switchyard/http-server'
import type { ChatStreamEvent } from '@switchyard/providers'
import { UpstreamError } from '@switchyard/providers'
import type { Admitted } from '../pipeline/admit-request.ts'
import type { RoutingSummary } from '../routing/attempt-record.ts'
import type { AttemptsFailedError } from '../routing/attempts-failed-error.ts'
import type { ClientLeftError } from '../routing/client-left-error.ts'
import type { StreamOutcome } from '../sse/chat-event-stream.ts'
import {
  buildUsageEvents,
  type MeteredOutcome,
  type MeteredRequest,
  type RequestEnd,
  type UsageEndpoint,
} from './build-usage-events.ts'
import {
  type CountTokens,
  estimateUsage,
  loadTokenCounter,
  type MeteredPrompt,
  StreamedText,
} from './estimate-tokens.ts'
import type { UsageSink } from './usage-emitter.ts'

export interface UsageMeterDeps {
  readonly podId: string
  /** Absent: nothing is metered (route tests that do not look at usage). */
  readonly sink: UsageSink | undefined
  readonly log: Logger
  readonly now: () => number
  readonly newId?: () => string
  /** The tokenizer for estimates; default: o200k_base, loaded on first use. */
  readonly loadTokenCounter?: () => Promise<CountTokens>
}

/** Status code of a request the client left before its answer (nginx's "client closed request"). */
const CLIENT_CLOSED_STATUS = 499

/**
 * The request as metering sees it, from what admission returned. `prompt` is the canonical
 * request the gateway sent on (the Anthropic route's translation); default: the admitted body.
 */
export function meteredRequest(
  admitted: Admitted<unknown>,
  endpoint: UsageEndpoint,
  isStream: boolean,
  startedAtMs: number,
  prompt: MeteredPrompt | null = promptOf(endpoint, admitted.body),
): MeteredRequest {
  return {
    requestId: admitted.requestId,
    gatewayRequestId: randomUUID(),
    key: admitted.key,
    endpoint,
    isStream,
    startedAtMs,
    prompt,
    streamed: isStream ? new StreamedText() : null,
  }
}

function promptOf(endpoint: UsageEndpoint, body: unknown): MeteredPrompt | null {
  // Admission parsed the body against the endpoint's schema: the casts name what it checked.
  if (endpoint === 'chat.completions') return { kind: 'chat', request: body as ChatCompletionRequest }
  if (endpoint === 'embeddings') return { kind: 'embeddings', request: body as EmbeddingsRequest }
  return null
}

/** A stream's first event and the rest, with the text noted for an estimate as it passes. */
export function meteredStream(
  request: MeteredRequest,
  first: IteratorResult<ChatStreamEvent>,
  events: AsyncIterator<ChatStreamEvent>,
): { first: IteratorResult<ChatStreamEvent>; events: AsyncIterator<ChatStreamEvent> } {
  const { streamed } = request
  if (streamed === null) return { first, events }
  if (!first.done) streamed.observe(first.value)
  return { first, events: streamed.tap(events) }
}

/** How a stream ended, from the stream writer's outcome. */
export function streamEnd(outcome: StreamOutcome): RequestEnd {
  if (outcome.isClientGone) return { kind: 'abandoned', usage: outcome.usage }
  if (outcome.error === null || outcome.error === undefined) return { kind: 'answered', usage: outcome.usage }
  const errorClass = outcome.error instanceof UpstreamError ? outcome.error.errorClass : 'stream_error'
  return { kind: 'broken', usage: outcome.usage, errorClass }
}

type Pending = { readonly request: MeteredRequest; readonly outcome: MeteredOutcome }

function needsEstimate({ outcome }: Pending): boolean {
  const { end } = outcome
  return end.kind !== 'failed' && end.kind !== 'cache_hit' && end.usage === null
}

/**
 * The routes' one call per proxied request that reached an upstream attempt. It only notes the
 * request: the events are built and handed to the sink on a later turn of the event loop, after
 * the response went out, several requests at a time. A stream that ended without the provider's
 * usage is estimated with a tokenizer first (loaded then, the first time one is needed).
 */
export class UsageMeter {
  readonly #podId: string
  readonly #sink: UsageSink | undefined
  readonly #log: Logger
  readonly #now: () => number
  readonly #newId: () => string
  readonly #loadTokenCounter: () => Promise<CountTokens>
  #countTokens: CountTokens | null = null
  #pending: Pending[] = []

  constructor(deps: UsageMeterDeps) {
    this.#podId = deps.podId
    this.#sink = deps.sink
    this.#log = deps.log
    this.#now = deps.now
    this.#newId = deps.newId ?? randomUUID
    this.#loadTokenCounter = deps.loadTokenCounter ?? loadTokenCounter
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

  /**
   * The client left before the first byte (in an attempt or between two): status `aborted`, the
   * attempts as far as they went. No tokens: whether the provider bills a request cut short
   * before it answered is not known here.
   */
  clientLeft(request: MeteredRequest, error: ClientLeftError): void {
    const end: RequestEnd = { kind: 'failed', errorClass: 'client_closed', httpStatus: CLIENT_CLOSED_STATUS }
    this.record(request, { routing: error.summary, end, endedAtMs: this.#now() })
  }

  /** Served from the exact cache: no attempts, no cost, and what the answer cost when it was fresh. */
  cacheHit(request: MeteredRequest, requestedModel: string, savedMicroUsd: number): void {
    const routing: RoutingSummary = { requestedModel, attempts: [], answeredBy: null, fallbackFrom: null }
    this.record(request, { routing, end: { kind: 'cache_hit', savedMicroUsd }, endedAtMs: this.#now() })
  }

  /** A stream ended, whole or not: call from the stream writer's `onEnd`. */
  streamEnded(request: MeteredRequest, routing: RoutingSummary, outcome: StreamOutcome): void {
    this.record(request, { routing, end: streamEnd(outcome), endedAtMs: this.#now() })
  }

  record(request: MeteredRequest, outcome: MeteredOutcome): void {
    if (!this.#sink) return
    this.#pending.push({ request, outcome })
    if (this.#pending.length === 1) setImmediate(() => void this.#flush())
  }

  async #flush(): Promise<void> {
    const sink = this.#sink
    const pending = this.#pending
    this.#pending = []
    if (!sink) return
    const count = pending.some(needsEstimate) ? await this.#tokenCounter() : null
    const context = { podId: this.#podId, newId: this.#newId }
    for (const entry of pending) {
      const { request } = entry
      try {
        const outcome = count !== null && needsEstimate(entry) ? withEstimate(entry, count) : entry.outcome
        sink.emit(buildUsageEvents(request, outcome, context))
      } catch (error) {
        // Only a price or a count beyond a safe integer can throw here: a bug to see, not to hide.
        this.#log.error({ err: error, requestId: request.requestId }, 'could not build the usage events of a request')
      }
    }
  }

  /** The tokenizer, or null (logged) if it cannot load: the events then carry 0 estimated tokens. */
  async #tokenCounter(): Promise<CountTokens | null> {
    if (this.#countTokens) return this.#countTokens
    try {
      this.#countTokens = await this.#loadTokenCounter()
    } catch (error) {
      this.#log.error({ err: error }, 'could not load the tokenizer; usage without provider counts is metered as 0')
    }
    return this.#countTokens
  }
}

function withEstimate({ request, outcome }: Pending, count: CountTokens): MeteredOutcome {
  const { end } = outcome
  if (end.kind === 'failed' || end.kind === 'cache_hit') return outcome
  return { ...outcome, end: { ...end, estimate: estimateUsage(request.prompt, request.streamed, count) } }
}
