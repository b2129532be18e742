import type { FallbackCondition, ProviderType } from '@switchyard/contracts'
import type { UpstreamErrorClass } from '@switchyard/providers'
import type { RuntimeDeployment, RuntimeModel } from '../policy/runtime-policy.ts'

/** `ok` once the attempt reached its first byte (streams: first event); else why it failed. */
export type AttemptOutcome = 'ok' | UpstreamErrorClass | 'client_closed'

/** One upstream attempt, as metering will turn it into an attempt usage event. */
export interface AttemptRecord {
  /** 1-based, across the whole request (fallbacks included). */
  readonly attemptNumber: number
  /** Our model this attempt served: the requested one, or a fallback. */
  readonly model: string
  readonly deploymentId: string
  readonly providerId: string
  readonly providerName: string
  readonly providerType: ProviderType
  readonly upstreamModel: string
  readonly outcome: AttemptOutcome
  /** What the gateway would answer for this attempt: 200, or the mapped error status. */
  readonly httpStatus: number | null
  readonly startedAtMs: number
  /** From the start of the attempt to its answer (streams: to the first event) or its failure. */
  readonly latencyMs: number
  /** Non-streaming: time to the parsed answer; streams: time to the first event; null on failure. */
  readonly timeToFirstByteMs: number | null
  /** Why the request left the model it asked for, on attempts at a fallback model; else null. */
  readonly fallbackReason: FallbackCondition | null
}

/** Every attempt a request made, and who answered. */
export interface RoutingSummary {
  /** The model the client asked for. */
  readonly requestedModel: string
  readonly attempts: readonly AttemptRecord[]
  /** Null when no attempt succeeded. */
  readonly answeredBy: { readonly model: RuntimeModel; readonly deployment: RuntimeDeployment } | null
  /** The requested model's name when a fallback model answered; else null. */
  readonly fallbackFrom: string | null
}

/**
 * The Hono variables the proxied routes set: `routing` holds the request's attempts once the
 * attempt loop is done (answer or failure), for middleware after the route (metering) to read.
 */
export type RoutingVariables = { routing: RoutingSummary }
