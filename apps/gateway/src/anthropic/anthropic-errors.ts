import type { AnthropicErrorBody, AnthropicErrorType } from '@switchyard/contracts'
import { toErrorResponse } from '@switchyard/http-server'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { asClientError } from '../gateway-errors.ts'

const TYPE_BY_STATUS: ReadonlyMap<number, AnthropicErrorType> = new Map([
  [400, 'invalid_request_error'],
  [401, 'authentication_error'],
  [402, 'billing_error'],
  [403, 'permission_error'],
  [404, 'not_found_error'],
  [413, 'request_too_large'],
  [429, 'rate_limit_error'],
  [500, 'api_error'],
  [503, 'overloaded_error'],
  [504, 'timeout_error'],
  [529, 'overloaded_error'],
])

/** Anthropic decides the error `type` by HTTP status; other 4xx are request errors, other 5xx API errors. */
export function anthropicErrorType(status: number): AnthropicErrorType {
  return TYPE_BY_STATUS.get(status) ?? (status >= 500 ? 'api_error' : 'invalid_request_error')
}

export interface AnthropicErrorResponse {
  readonly status: ContentfulStatusCode
  readonly body: AnthropicErrorBody
  readonly headers: Readonly<Record<string, string>>
}

/**
 * Any error → Anthropic's `{"type":"error","error":{type,message}}` with the same status, message
 * and headers (`retry-after`…) the OpenAI routes would give. Like the app's one error mapper, it
 * shows only `HttpError` messages: an unknown error becomes a generic 500.
 */
export function toAnthropicError(error: unknown, requestId?: string): AnthropicErrorResponse {
  const { status, body, headers } = toErrorResponse(asClientError(error))
  return {
    status,
    body: {
      type: 'error',
      error: { type: anthropicErrorType(status), message: body.error.message },
      ...(requestId === undefined ? {} : { request_id: requestId }),
    },
    headers,
  }
}
