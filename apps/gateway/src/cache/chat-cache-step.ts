import type { ChatCompletion, ChatCompletionRequest, TokenUsage } from '@switchyard/contracts'
import { costMicroUsd, fromModelPrice } from '@switchyard/pricing'
import type { ChatResult, ChatStreamEvent } from '@switchyard/providers'
import type { RuntimeDeployment, RuntimeKey, RuntimeModel } from '../policy/runtime-policy.ts'
import type { RoutingSummary } from '../routing/attempt-record.ts'
import type { StreamOutcome } from '../sse/chat-event-stream.ts'
import { AnswerAssembler } from './answer-assembler.ts'
import { CACHE_HEADER, type CacheDirective, type CachePlan, planCache } from './cache-directive.ts'
import { cacheScopeId, chatCacheKey } from './cache-key.ts'
import type { CachedAnswer, ExactCache } from './exact-cache.ts'

/** An answer found in the cache, and how old it is. */
export interface CacheHit {
  readonly answer: CachedAnswer
  readonly ageSeconds: number
}

/** Finish reasons of complete answers worth repeating; `content_filter` (policy may change) is not kept. */
const CACHEABLE_FINISH: ReadonlySet<string> = new Set(['stop', 'length', 'tool_calls'])

/** Whether an answer may be served again: every choice finished normally. */
export function isCacheable(completion: ChatCompletion): boolean {
  return completion.choices.length > 0 && completion.choices.every((c) => CACHEABLE_FINISH.has(c.finish_reason))
}

interface Who {
  readonly key: RuntimeKey
  /** The model being served (after a budget downgrade, the cheaper one). */
  readonly model: RuntimeModel
}

/**
 * One chat request's use of the exact cache, for both chat routes: the plan (from the route's
 * cache section and the request's `x-switchyard-cache`), the lookup, and storing the answer the
 * request got, whole or streamed. Only a complete answer from the model asked for is stored:
 * never an error, a broken or abandoned stream, a fallback model's answer, or one whose usage
 * never arrived.
 */
export class ChatCacheStep {
  readonly hit: CacheHit | null
  readonly #cache: ExactCache | undefined
  readonly #plan: CachePlan
  readonly #key: string | null
  readonly #now: () => number
  #assembler: AnswerAssembler | null = null

  constructor(
    cache: ExactCache | undefined,
    who: Who,
    request: ChatCompletionRequest,
    directive: CacheDirective | null,
    now: () => number,
  ) {
    this.#cache = cache
    this.#now = now
    const routeCache = cache === undefined ? null : who.model.route.cache
    this.#plan = planCache(routeCache, directive)
    const isUsed = routeCache !== null && (this.#plan.shouldLookUp || this.#plan.shouldStore)
    this.#key = isUsed ? chatCacheKey(request, who.model.id, cacheScopeId(routeCache.scope, who.key)) : null
    const nowMs = now()
    const answer = this.#key !== null && this.#plan.shouldLookUp ? cache?.lookup(this.#key, nowMs) : undefined
    this.hit =
      answer === undefined ? null : { answer, ageSeconds: Math.max(0, Math.floor((nowMs - answer.storedAtMs) / 1000)) }
  }

  /** `x-switchyard-cache` (and `age` on a hit) for the response. */
  headers(): Record<string, string> {
    if (this.hit !== null) return { [CACHE_HEADER]: 'hit', age: String(this.hit.ageSeconds) }
    return this.#plan.status === null ? {} : { [CACHE_HEADER]: this.#plan.status }
  }

  /** Keeps a whole answer; `json`, when given, is the completion as already serialised for the client. */
  storeWhole(result: ChatResult, routing: RoutingSummary, json?: string): void {
    if (this.#key === null || !this.#plan.shouldStore || !isCacheable(result.completion)) return
    this.#store(json ?? JSON.stringify(result.completion), result.usage, routing)
  }

  /** A stream's events, noted (up to the entry size) when its answer may be stored at the end. */
  tap(
    first: IteratorResult<ChatStreamEvent>,
    events: AsyncIterator<ChatStreamEvent>,
  ): { first: IteratorResult<ChatStreamEvent>; events: AsyncIterator<ChatStreamEvent> } {
    if (this.#key === null || !this.#plan.shouldStore || this.#cache === undefined) return { first, events }
    const assembler = new AnswerAssembler(this.#cache.maxEntryChars)
    this.#assembler = assembler
    if (!first.done) assembler.observe(first.value)
    return { first, events: assembler.tap(events) }
  }

  /** After a stream ended: keeps its answer if it ran to its end with the provider's usage. */
  storeStream(outcome: StreamOutcome, routing: RoutingSummary): void {
    const assembler = this.#assembler
    this.#assembler = null
    if (assembler === null || outcome.error !== null || outcome.isClientGone || outcome.usage === null) return
    const completion = assembler.completion()
    if (completion === null || !isCacheable(completion)) return
    this.#store(JSON.stringify(completion), outcome.usage, routing)
  }

  #store(json: string, usage: TokenUsage, routing: RoutingSummary): void {
    const deployment: RuntimeDeployment | undefined = routing.answeredBy?.deployment
    if (this.#key === null || !this.#plan.shouldStore || routing.fallbackFrom !== null || deployment === undefined)
      return
    const nowMs = this.#now()
    const cost = costMicroUsd(usage, fromModelPrice(deployment.prices))
    const answer: CachedAnswer = { completionJson: json, usage, costMicroUsd: cost, storedAtMs: nowMs }
    this.#cache?.store(this.#key, answer, this.#plan.ttlSeconds, nowMs)
  }
}
