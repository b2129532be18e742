import { classifyUpstreamError, readJsonSafely } from '../classify-upstream-error.ts'
import type { UpstreamErrorResponse } from '../provider-adapter.ts'
import type { UpstreamError } from '../upstream-error.ts'
import { AnthropicErrorBody } from './anthropic-wire.ts'

/** "prompt is too long: 208310 tokens > 200000 maximum", "input length and `max_tokens` exceed context limit…" */
const CONTEXT_LENGTH_MESSAGE = /prompt is too long|exceed context limit|context window/i
const OVERLOADED_STATUS = 529

/** An Anthropic error answer → our error. 529 (overloaded) is a 503. */
export function anthropicUpstreamError(response: UpstreamErrorResponse, now?: () => number): UpstreamError {
  const parsed = AnthropicErrorBody.safeParse(readJsonSafely(response.bodyText))
  const error = parsed.success ? parsed.data.error : undefined
  const message = error?.message ?? null
  const isClientFault = response.status === 400 || response.status === 413
  return classifyUpstreamError(
    {
      response,
      message,
      code: null,
      param: null,
      isContextLength: isClientFault && CONTEXT_LENGTH_MESSAGE.test(message ?? ''),
      isContentPolicy: false, // Anthropic refuses in the answer (stop_reason "refusal"), not with an error
      isOverloaded: response.status === OVERLOADED_STATUS || error?.type === 'overloaded_error',
    },
    now,
  )
}

const STATUS_BY_ERROR_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: OVERLOADED_STATUS,
}

/** An `error` event inside a 200 stream: the status its type stands for. */
export function anthropicStreamError(errorType: string, data: string, now?: () => number): UpstreamError {
  const status = STATUS_BY_ERROR_TYPE[errorType] ?? 500
  return anthropicUpstreamError({ status, headers: {}, bodyText: data }, now)
}
