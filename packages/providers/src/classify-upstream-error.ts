import type { UpstreamErrorResponse } from './provider-adapter.ts'
import { parseRetryAfterMs } from './retry-after.ts'
import { UpstreamError, type UpstreamErrorClass } from './upstream-error.ts'

/** What a provider folder read from a non-2xx answer; the mapping to our error is the same for all. */
export interface UpstreamErrorFacts {
  readonly response: UpstreamErrorResponse
  /** The vendor's own message, or null when the body held none (empty, HTML, unknown shape). */
  readonly message: string | null
  readonly code: string | null
  readonly param: string | null
  /** The vendor said the prompt does not fit the model's context window. */
  readonly isContextLength: boolean
  /** The vendor's safety filter refused the prompt or the answer. */
  readonly isContentPolicy: boolean
  /** The vendor said it is overloaded with a status other than 503 (or in its body). */
  readonly isOverloaded?: boolean
}

const MAX_MESSAGE_CHARS = 500
/** Things that look like credentials or account ids; a vendor message may echo one back. */
const SECRET_LIKE =
  /\b(?:sk|pk|rk)-[\w*.-]{6,}|\bAKIA[0-9A-Z]{12,}|\bAIza[\w-]{20,}|\bBearer\s+\S+|\borg-[A-Za-z0-9]{8,}/g

/** A vendor message made safe to show: one line, credentials redacted, at most 500 characters. */
export function safeUpstreamMessage(message: string | null | undefined): string | null {
  if (message === null || message === undefined) return null
  const redacted = message.replace(/\s+/g, ' ').trim().replace(SECRET_LIKE, '[redacted]')
  if (redacted === '') return null
  return redacted.length > MAX_MESSAGE_CHARS ? `${redacted.slice(0, MAX_MESSAGE_CHARS - 1)}…` : redacted
}

/** An error body as JSON, or undefined when it is empty, HTML or cut short. */
export function readJsonSafely(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

interface Verdict {
  readonly errorClass: UpstreamErrorClass
  readonly status: number
  readonly type: string
  readonly code: string | null
  /** Ours; null when the vendor's message (and param) is what the client needs to see. */
  readonly message: string | null
}

const verdict = (
  errorClass: UpstreamErrorClass,
  status: number,
  type: string,
  code: string | null,
  message: string | null,
): Verdict => ({
  errorClass,
  status,
  type,
  code,
  message,
})

const CLIENT_FAULT = 'invalid_request_error'
const OUR_ACCOUNT_STATUSES = new Set([401, 402, 403])

/**
 * The one status → error mapping. The client's own credentials were fine whenever we got this far,
 * so the provider refusing ours (401, 403, or 402 for our account's credit) is a 502, never a 401.
 * 429 keeps its status and delay; 503 (and what a vendor calls overloaded) is 503; other 5xx are
 * 502; other 4xx are the client's 400 with the vendor's message; a 404 (unknown model or
 * deployment) stays 404.
 */
function verdictOf(facts: UpstreamErrorFacts): Verdict {
  const { status } = facts.response
  if (facts.isContextLength) return verdict('context_length', 400, CLIENT_FAULT, 'context_length_exceeded', null)
  if (facts.isContentPolicy) return verdict('content_policy', 400, CLIENT_FAULT, 'content_policy_violation', null)
  if (status === 429) {
    const message = 'The provider is rate limiting this deployment. Please retry later.'
    return verdict('rate_limited', 429, 'rate_limit_error', 'rate_limit_exceeded', message)
  }
  if (OUR_ACCOUNT_STATUSES.has(status)) {
    const message = `The provider refused the gateway's credentials or account for this deployment (HTTP ${status}). Your API key is fine; the gateway's administrator needs to fix the provider credentials.`
    return verdict('authentication', 502, 'api_error', 'upstream_authentication_failed', message)
  }
  if (status === 404) return verdict('not_found', 404, CLIENT_FAULT, facts.code ?? 'model_not_found', null)
  if (status === 408) return verdict('timeout', 504, 'server_error', 'upstream_timeout', 'The provider timed out.')
  if (status === 503 || facts.isOverloaded === true) {
    return verdict(
      'overloaded',
      503,
      'server_error',
      'upstream_overloaded',
      'The provider is overloaded. Please retry later.',
    )
  }
  if (status >= 400 && status < 500) return verdict('invalid_request', 400, CLIENT_FAULT, facts.code, null)
  const message = `The provider failed with HTTP ${status}.`
  return verdict('server_error', 502, 'server_error', 'upstream_server_error', message)
}

/** A vendor's non-2xx answer, read by its provider folder, as the error the gateway shows. */
export function classifyUpstreamError(facts: UpstreamErrorFacts, now?: () => number): UpstreamError {
  const { message, ...rest } = verdictOf(facts)
  const upstreamStatus = facts.response.status
  return new UpstreamError({
    ...rest,
    upstreamStatus,
    message: message ?? safeUpstreamMessage(facts.message) ?? `The provider answered HTTP ${upstreamStatus}.`,
    param: message === null ? facts.param : null,
    retryAfterMs: parseRetryAfterMs(facts.response.headers, now),
  })
}
