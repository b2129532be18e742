/**
 * What went wrong upstream, classified for retries/fallbacks and shown to the client in the
 * OpenAI error shape with a faithful status. `retryable` and `fallbackClass` drive routing;
 * `message` is safe to show (never contains credentials).
 */
export type UpstreamErrorClass =
  | 'rate_limited' // 429
  | 'overloaded' // 503/529
  | 'server_error' // other 5xx
  | 'timeout'
  | 'connection_error'
  | 'context_length' // prompt too long
  | 'content_policy' // refused by a safety filter
  | 'authentication' // our credentials were refused (401/403)
  | 'invalid_request' // other 4xx: the request itself is bad
  | 'not_found' // model or deployment unknown upstream

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError'
  readonly errorClass: UpstreamErrorClass
  /** Status the gateway answers with. */
  readonly status: number
  /** Status the provider answered with, if it answered. */
  readonly upstreamStatus: number | null
  readonly type: string
  readonly code: string | null
  readonly param: string | null
  readonly retryAfterMs: number | null

  constructor(fields: {
    errorClass: UpstreamErrorClass
    status: number
    upstreamStatus: number | null
    message: string
    type: string
    code?: string | null
    param?: string | null
    retryAfterMs?: number | null
    cause?: unknown
  }) {
    super(fields.message, fields.cause === undefined ? undefined : { cause: fields.cause })
    this.errorClass = fields.errorClass
    this.status = fields.status
    this.upstreamStatus = fields.upstreamStatus
    this.type = fields.type
    this.code = fields.code ?? null
    this.param = fields.param ?? null
    this.retryAfterMs = fields.retryAfterMs ?? null
  }

  get isRetryable(): boolean {
    return ['rate_limited', 'overloaded', 'server_error', 'timeout', 'connection_error'].includes(this.errorClass)
  }
}
