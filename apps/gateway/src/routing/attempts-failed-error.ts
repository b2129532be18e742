import { HttpError } from '@switchyard/http-server'
import type { UpstreamError } from '@switchyard/providers'
import { ProviderError } from '../gateway-errors.ts'
import { attemptHeaders } from '../pipeline/proxy-headers.ts'
import type { RoutingSummary } from './attempt-record.ts'

/**
 * Every attempt failed (or the retry budget, the deadline or the route stopped them). The client
 * sees the last provider error, exactly as one failed attempt would show it (status, type,
 * Retry-After), plus `x-switchyard-attempts`; the attempts themselves ride along for metering.
 */
export class AttemptsFailedError extends HttpError {
  override readonly name = 'AttemptsFailedError'
  readonly lastError: UpstreamError
  readonly summary: RoutingSummary

  constructor(lastError: UpstreamError, summary: RoutingSummary) {
    const shown = new ProviderError(lastError)
    super(shown.status, shown.type, shown.message, {
      code: shown.code,
      param: shown.param,
      headers: { ...shown.headers, ...attemptHeaders(summary) },
      cause: lastError,
    })
    this.lastError = lastError
    this.summary = summary
  }
}
