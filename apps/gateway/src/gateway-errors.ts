import { ERROR_TYPES, type ErrorType } from '@switchyard/contracts'
import { HttpError } from '@switchyard/http-server'
import { UpstreamError } from '@switchyard/providers'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

export class AuthenticationError extends HttpError {
  override readonly name = 'AuthenticationError'
  constructor(message: string, code: string) {
    super(401, 'authentication_error', message, { code })
  }
}

export class PermissionDeniedError extends HttpError {
  override readonly name = 'PermissionDeniedError'
  constructor(message: string, code: string, param: string | null = null) {
    super(403, 'permission_error', message, { code, param })
  }
}

export class ModelNotFoundError extends HttpError {
  override readonly name = 'ModelNotFoundError'
  constructor(model: string) {
    super(404, 'invalid_request_error', `The model \`${model}\` does not exist or you do not have access to it.`, {
      code: 'model_not_found',
      param: 'model',
    })
  }
}

export class PayloadTooLargeError extends HttpError {
  override readonly name = 'PayloadTooLargeError'
  constructor(limitBytes: number) {
    super(413, 'invalid_request_error', `Request body exceeds the limit of ${limitBytes} bytes.`, {
      code: 'request_too_large',
    })
  }
}

/** A provider's failure as the client sees it: OpenAI shape, faithful status, Retry-After kept. */
export class ProviderError extends HttpError {
  override readonly name = 'ProviderError'
  readonly upstream: UpstreamError

  constructor(upstream: UpstreamError) {
    const headers: Record<string, string> =
      upstream.retryAfterMs === null
        ? {}
        : { 'retry-after': String(Math.max(1, Math.ceil(upstream.retryAfterMs / 1000))) }
    super(upstream.status as ContentfulStatusCode, upstreamErrorType(upstream), upstream.message, {
      code: upstream.code,
      param: upstream.param,
      headers,
      cause: upstream,
    })
    this.upstream = upstream
  }
}

function upstreamErrorType(upstream: UpstreamError): ErrorType {
  return (ERROR_TYPES as readonly string[]).includes(upstream.type) ? (upstream.type as ErrorType) : 'api_error'
}

/** Upstream failures become client errors; everything else passes through unchanged. */
export function asClientError(error: unknown): unknown {
  return error instanceof UpstreamError ? new ProviderError(error) : error
}
