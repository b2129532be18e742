import { type ErrorBody, type ErrorType, errorBody } from '@switchyard/contracts'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** An error meant for the client: its message, type, code and param are shown as they are. */
export class HttpError extends Error {
  override readonly name: string = 'HttpError'
  readonly status: ContentfulStatusCode
  readonly type: ErrorType
  readonly code: string | null
  readonly param: string | null
  /** Response headers that belong to the error, e.g. `retry-after`. */
  readonly headers: Readonly<Record<string, string>>
  /** Members sent beside `error` in the body, e.g. every problem of an invalid config file. */
  readonly extraBody: Readonly<Record<string, unknown>>

  constructor(
    status: ContentfulStatusCode,
    type: ErrorType,
    message: string,
    details: {
      code?: string | null
      param?: string | null
      headers?: Readonly<Record<string, string>>
      extraBody?: Readonly<Record<string, unknown>>
      cause?: unknown
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.status = status
    this.type = type
    this.code = details.code ?? null
    this.param = details.param ?? null
    this.headers = details.headers ?? {}
    this.extraBody = details.extraBody ?? {}
  }
}

export class InvalidRequestError extends HttpError {
  override readonly name = 'InvalidRequestError'
  constructor(message: string, details: { code?: string; param?: string; cause?: unknown } = {}) {
    super(400, 'invalid_request_error', message, details)
  }
}

export class NotFoundError extends HttpError {
  override readonly name = 'NotFoundError'
  constructor(message: string, code = 'not_found') {
    super(404, 'not_found_error', message, { code })
  }
}

export class ServiceUnavailableError extends HttpError {
  override readonly name = 'ServiceUnavailableError'
  constructor(message: string, code = 'service_unavailable') {
    super(503, 'server_error', message, { code })
  }
}

/**
 * The one place an error becomes a response. Only `HttpError`s speak to the client; anything
 * else is a bug or an outage whose message may hold internals, so the client gets a generic 500.
 */
export function toErrorResponse(error: unknown): {
  status: ContentfulStatusCode
  body: ErrorBody
  headers: Readonly<Record<string, string>>
} {
  if (error instanceof HttpError) {
    return {
      status: error.status,
      body: { ...error.extraBody, ...errorBody(error.message, error.type, error.code, error.param) },
      headers: error.headers,
    }
  }
  return {
    status: 500,
    body: errorBody('The server had an error while processing your request.', 'server_error', 'internal_error'),
    headers: {},
  }
}
