import {
  type AttemptUsageEvent,
  type RequestUsageEvent,
  type TokenUsage,
  USAGE_EVENT_SCHEMA_VERSION,
  type UsageAttribution,
  type UsageEvent,
  type UsageStatus,
  type UsageTokens,
} from '@switchyard/contracts'
import { costMicroUsd, fromModelPrice } from '@switchyard/pricing'
import type { RuntimeKey } from '../policy/runtime-policy.ts'
import type { AttemptOutcome, AttemptRecord, RoutingSummary } from '../routing/attempt-record.ts'
import type { MeteredPrompt, StreamedText } from './estimate-tokens.ts'

export type UsageEndpoint = UsageEvent['endpoint']

/** What admission knew about a proxied request: who asked, where, and when it arrived. */
export interface MeteredRequest {
  /** The client's `x-request-id` or one the gateway made: a label, never an event id (clients reuse them). */
  readonly requestId: string
  /** Minted by this pod for this request alone: links the attempts to their request summary. */
  readonly gatewayRequestId: string
  readonly key: RuntimeKey
  readonly endpoint: UsageEndpoint
  readonly isStream: boolean
  /** The gateway's clock (`now`) when the request arrived. */
  readonly startedAtMs: number
  /** The prompt, canonical, for a tokenizer estimate when the provider reports no usage. */
  readonly prompt: MeteredPrompt | null
  /** Streams: the text sent so far, for the same estimate. */
  readonly streamed: StreamedText | null
}

/**
 * How a request that reached at least one upstream attempt ended. `usage` is the provider's;
 * when it is null, `estimate` (a tokenizer's count of the prompt and of what was streamed) takes
 * its place, flagged `isEstimated`.
 */
export type RequestEnd =
  /** The answer was delivered whole (a stream: up to its last event). */
  | { readonly kind: 'answered'; readonly usage: TokenUsage | null; readonly estimate?: TokenUsage }
  /** Every attempt failed, or the client left before the first byte (`client_closed`, 499). */
  | { readonly kind: 'failed'; readonly errorClass: string; readonly httpStatus: number }
  /** A stream broke after its first byte: the client got 200, some chunks, then an error event. */
  | {
      readonly kind: 'broken'
      readonly usage: TokenUsage | null
      readonly estimate?: TokenUsage
      readonly errorClass: string
    }
  /** The client went away in the middle of a stream. */
  | { readonly kind: 'abandoned'; readonly usage: TokenUsage | null; readonly estimate?: TokenUsage }
  /** Served from the exact cache: no attempt, no tokens, no cost; `savedMicroUsd` is what the answer cost first. */
  | { readonly kind: 'cache_hit'; readonly savedMicroUsd: number }

export interface MeteredOutcome {
  readonly routing: RoutingSummary
  readonly end: RequestEnd
  /** The gateway's clock when the request ended (streams: when the stream ended). */
  readonly endedAtMs: number
}

export interface UsageEventContext {
  readonly podId: string
  /** A new unique id on every call (`crypto.randomUUID` in production). */
  readonly newId: () => string
}

/** Status code of an attempt the client cut short (nginx's "client closed request"). */
const CLIENT_CLOSED_STATUS = 499

/** Upstream refusals caused by the request itself, not by the provider's health. */
const CLIENT_ERROR_CLASSES: ReadonlySet<string> = new Set(['invalid_request', 'context_length', 'content_policy'])

/** The usage status of an error class (an `UpstreamErrorClass`, or `client_closed`). */
export function statusOfErrorClass(errorClass: string): UsageStatus {
  if (errorClass === 'timeout') return 'timeout'
  if (errorClass === 'client_closed') return 'aborted'
  if (CLIENT_ERROR_CLASSES.has(errorClass)) return 'client_error'
  return 'upstream_error'
}

interface FinalState {
  readonly status: UsageStatus
  readonly httpStatus: number
  readonly errorClass: string | null
  readonly tokens: UsageTokens
  readonly costMicroUsd: number
  readonly cacheSavedMicroUsd: number
}

/**
 * One attempt event per upstream attempt, then one request event, for a request that reached
 * the attempt loop. Tokens and cost sit on the attempt that answered (and on the request);
 * failed attempts carry zero tokens and zero cost, with their error class and fallback reason.
 * Pure: ids come from `context.newId`, times from the inputs. Every event gets its own fresh
 * id, made once here and kept through the spool and every replay, so that the stream and
 * ClickHouse de-duplicate repeats of one event without ever merging two real ones.
 */
export function buildUsageEvents(
  request: MeteredRequest,
  outcome: MeteredOutcome,
  context: UsageEventContext,
): UsageEvent[] {
  const { routing } = outcome
  const attribution = attributionOf(request.key)
  const final = finalState(outcome)
  const events: UsageEvent[] = []
  for (const attempt of routing.attempts) {
    events.push(attemptEvent(request, outcome, context, attribution, attempt, final))
  }
  events.push(requestEvent(request, outcome, context, attribution, final))
  return events
}

function attributionOf(key: RuntimeKey): UsageAttribution {
  const costCenter = key.tags.costCenter
  return {
    orgId: key.orgId,
    teamId: key.teamId,
    projectId: key.projectId,
    environment: key.environment,
    costCenter: costCenter === undefined || costCenter === '' ? null : costCenter,
    userId: key.userId,
    keyId: key.jwt ? null : key.id,
    tags: key.tags,
  }
}

const NO_TOKENS: TokenUsage = {
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteInputTokens: 0,
  reasoningTokens: 0,
}

function tokensOf(usage: TokenUsage, isEstimated: boolean): UsageTokens {
  // Copied field by field: an adapter's object may carry more than the strict contract allows.
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedInputTokens: usage.cachedInputTokens,
    cacheWriteInputTokens: usage.cacheWriteInputTokens,
    reasoningTokens: usage.reasoningTokens,
    isEstimated,
  }
}

/** Status, tokens and cost of the request as a whole (and of the attempt that answered). */
function finalState(outcome: MeteredOutcome): FinalState {
  const { end, routing } = outcome
  if (end.kind === 'failed') {
    return {
      status: statusOfErrorClass(end.errorClass),
      httpStatus: end.httpStatus,
      errorClass: end.errorClass,
      tokens: tokensOf(NO_TOKENS, false),
      costMicroUsd: 0,
      cacheSavedMicroUsd: 0,
    }
  }
  if (end.kind === 'cache_hit') {
    const tokens = tokensOf(NO_TOKENS, false)
    return {
      status: 'success',
      httpStatus: 200,
      errorClass: null,
      tokens,
      costMicroUsd: 0,
      cacheSavedMicroUsd: end.savedMicroUsd,
    }
  }
  // The provider reported no usage (a stream that broke or that the client left before the last
  // event, or a provider that never sends it): the tokenizer's estimate of the prompt and of the
  // chunks streamed, priced the same way and flagged so that reports can show it apart.
  const usage = end.usage ?? end.estimate ?? NO_TOKENS
  const deployment = routing.answeredBy?.deployment
  const cost = deployment === undefined ? 0 : costMicroUsd(usage, fromModelPrice(deployment.prices))
  const tokens = tokensOf(usage, end.usage === null)
  switch (end.kind) {
    case 'answered':
      return { status: 'success', httpStatus: 200, errorClass: null, tokens, costMicroUsd: cost, cacheSavedMicroUsd: 0 }
    case 'broken':
      // The client already had a 200 and some chunks: the status says what went wrong after.
      return {
        status: end.errorClass === 'timeout' ? 'timeout' : 'upstream_error',
        httpStatus: 200,
        errorClass: end.errorClass,
        tokens,
        costMicroUsd: cost,
        cacheSavedMicroUsd: 0,
      }
    case 'abandoned':
      return {
        status: 'aborted',
        httpStatus: 200,
        errorClass: 'client_closed',
        tokens,
        costMicroUsd: cost,
        cacheSavedMicroUsd: 0,
      }
  }
}

function wholeMs(ms: number): number {
  return Math.max(0, Math.round(ms))
}

function isoAt(ms: number): string {
  return new Date(ms).toISOString()
}

function attemptEvent(
  request: MeteredRequest,
  outcome: MeteredOutcome,
  context: UsageEventContext,
  attribution: UsageAttribution,
  attempt: AttemptRecord,
  final: FinalState,
): AttemptUsageEvent {
  const isAnswer = attempt.outcome === 'ok'
  const failed = isAnswer ? null : failedAttemptState(attempt.outcome, attempt.httpStatus)
  return {
    schemaVersion: USAGE_EVENT_SCHEMA_VERSION,
    kind: 'attempt',
    id: context.newId(),
    requestId: request.requestId,
    gatewayRequestId: request.gatewayRequestId,
    occurredAt: isoAt(attempt.startedAtMs),
    gatewayPodId: context.podId,
    attribution,
    requestedModel: outcome.routing.requestedModel,
    endpoint: request.endpoint,
    isStream: request.isStream,
    tokens: isAnswer ? final.tokens : tokensOf(NO_TOKENS, false),
    costMicroUsd: isAnswer ? final.costMicroUsd : 0,
    // A stream's answering attempt lasts until the stream ended, not just to its first event.
    latencyMs: wholeMs(isAnswer && request.isStream ? outcome.endedAtMs - attempt.startedAtMs : attempt.latencyMs),
    timeToFirstTokenMs:
      isAnswer && request.isStream && attempt.timeToFirstByteMs !== null ? wholeMs(attempt.timeToFirstByteMs) : null,
    status: failed?.status ?? final.status,
    httpStatus: failed?.httpStatus ?? final.httpStatus,
    errorClass: failed === null ? final.errorClass : attempt.outcome,
    attemptNumber: attempt.attemptNumber,
    providerType: attempt.providerType,
    providerId: attempt.providerId,
    deploymentId: attempt.deploymentId,
    upstreamModel: attempt.upstreamModel,
    fallbackReason: attempt.fallbackReason,
  }
}

function failedAttemptState(
  outcome: Exclude<AttemptOutcome, 'ok'>,
  httpStatus: number | null,
): { status: UsageStatus; httpStatus: number } {
  return { status: statusOfErrorClass(outcome), httpStatus: httpStatus ?? CLIENT_CLOSED_STATUS }
}

function requestEvent(
  request: MeteredRequest,
  outcome: MeteredOutcome,
  context: UsageEventContext,
  attribution: UsageAttribution,
  final: FinalState,
): RequestUsageEvent {
  const { routing } = outcome
  const answer = routing.answeredBy === null ? undefined : routing.attempts.findLast((a) => a.outcome === 'ok')
  const firstByteMs = answer?.timeToFirstByteMs ?? null
  return {
    schemaVersion: USAGE_EVENT_SCHEMA_VERSION,
    kind: 'request',
    id: context.newId(),
    requestId: request.requestId,
    gatewayRequestId: request.gatewayRequestId,
    occurredAt: isoAt(request.startedAtMs),
    gatewayPodId: context.podId,
    attribution,
    requestedModel: routing.requestedModel,
    endpoint: request.endpoint,
    isStream: request.isStream,
    tokens: final.tokens,
    costMicroUsd: final.costMicroUsd,
    latencyMs: wholeMs(outcome.endedAtMs - request.startedAtMs),
    // From arrival to the first event the client got, failed attempts and backoff included.
    timeToFirstTokenMs:
      request.isStream && answer !== undefined && firstByteMs !== null
        ? wholeMs(answer.startedAtMs + firstByteMs - request.startedAtMs)
        : null,
    status: final.status,
    httpStatus: final.httpStatus,
    errorClass: final.errorClass,
    attemptCount: routing.attempts.length,
    deploymentId: routing.answeredBy?.deployment.id ?? null,
    isCacheHit: outcome.end.kind === 'cache_hit',
    cacheSavedMicroUsd: final.cacheSavedMicroUsd,
    // Guardrails are not built yet: nothing is checked.
    guardrailActions: [],
  }
}
