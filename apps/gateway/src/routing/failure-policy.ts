import type { FallbackCondition } from '@switchyard/contracts'
import type { UpstreamError, UpstreamErrorClass } from '@switchyard/providers'
import type { CircuitBreaker } from './circuit-breaker.ts'

/**
 * What a failed attempt means for routing:
 * - `health`: how the deployment's breaker counts it (`success` for errors that prove the
 *   deployment alive and the request at fault; `rate_limited` for a 429, see below);
 * - `retry`: `same` (any deployment, the one that failed included), `other` (another deployment
 *   of the same model only: our credentials or the upstream model are wrong there), `none`
 *   (the request itself is at fault: every deployment of the model would fail the same way);
 * - `fallbackOn`: the route condition that lets it move on to the fallback models, if any.
 */
export interface FailurePolicy {
  readonly health: 'failure' | 'success' | 'rate_limited'
  readonly retry: 'same' | 'other' | 'none'
  readonly fallbackOn: FallbackCondition | null
}

const POLICIES: Readonly<Record<UpstreamErrorClass, FailurePolicy>> = {
  rate_limited: { health: 'rate_limited', retry: 'same', fallbackOn: '429' },
  overloaded: { health: 'failure', retry: 'same', fallbackOn: '5xx' },
  server_error: { health: 'failure', retry: 'same', fallbackOn: '5xx' },
  timeout: { health: 'failure', retry: 'same', fallbackOn: 'timeout' },
  connection_error: { health: 'failure', retry: 'same', fallbackOn: 'connection_error' },
  context_length: { health: 'success', retry: 'none', fallbackOn: 'context_length' },
  content_policy: { health: 'success', retry: 'none', fallbackOn: 'content_policy' },
  authentication: { health: 'failure', retry: 'other', fallbackOn: null },
  not_found: { health: 'failure', retry: 'other', fallbackOn: null },
  invalid_request: { health: 'success', retry: 'none', fallbackOn: null },
}

export function failurePolicy(errorClass: UpstreamErrorClass): FailurePolicy {
  return POLICIES[errorClass]
}

/** How a failed attempt counts for its deployment's breaker. */
export function recordFailureHealth(
  breaker: CircuitBreaker,
  error: UpstreamError,
  isProbe: boolean,
  nowMs: number,
): void {
  const verdict = failurePolicy(error.errorClass).health
  if (verdict === 'success') {
    breaker.recordSuccess(isProbe, nowMs)
  } else if (verdict === 'rate_limited' && error.retryAfterMs !== null) {
    // A 429 that says when: out until then, but not a failure of the deployment.
    breaker.coolDownUntil(nowMs + error.retryAfterMs)
    breaker.recordNeutral(isProbe)
  } else {
    breaker.recordFailure(isProbe, nowMs)
  }
}
