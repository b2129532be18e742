import { AnthropicErrorBody } from '@switchyard/contracts'
import { InvalidRequestError } from '@switchyard/http-server'
import { UpstreamError } from '@switchyard/providers'
import { describe, expect, it } from 'vitest'
import { AuthenticationError, PayloadTooLargeError } from '../gateway-errors.ts'
import { anthropicErrorType, toAnthropicError } from './anthropic-errors.ts'

describe('Anthropic error shape', () => {
  it('takes the error type from the status, as Anthropic does', () => {
    const types = [400, 401, 402, 403, 404, 413, 422, 429, 500, 502, 503, 504, 529].map((status) => [
      status,
      anthropicErrorType(status),
    ])
    expect(Object.fromEntries(types)).toEqual({
      400: 'invalid_request_error',
      401: 'authentication_error',
      402: 'billing_error',
      403: 'permission_error',
      404: 'not_found_error',
      413: 'request_too_large',
      422: 'invalid_request_error',
      429: 'rate_limit_error',
      500: 'api_error',
      502: 'api_error',
      503: 'overloaded_error',
      504: 'timeout_error',
      529: 'overloaded_error',
    })
  })

  it('keeps the message, status and headers of gateway and provider errors', () => {
    const invalid = toAnthropicError(new InvalidRequestError("Missing required parameter: 'max_tokens'."), 'req_1')
    expect(invalid).toEqual({
      status: 400,
      body: {
        type: 'error',
        error: { type: 'invalid_request_error', message: "Missing required parameter: 'max_tokens'." },
        request_id: 'req_1',
      },
      headers: {},
    })
    expect(AnthropicErrorBody.safeParse(invalid.body).success).toBe(true)
    expect(toAnthropicError(new AuthenticationError('Incorrect API key provided.', 'invalid_api_key')).body).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'Incorrect API key provided.' },
    })
    expect(toAnthropicError(new PayloadTooLargeError(10)).body.error.type).toBe('request_too_large')
    const limited = new UpstreamError({
      errorClass: 'rate_limited',
      status: 429,
      upstreamStatus: 429,
      message: 'Slow down.',
      type: 'rate_limit_error',
      retryAfterMs: 7_000,
    })
    expect(toAnthropicError(limited)).toEqual({
      status: 429,
      body: { type: 'error', error: { type: 'rate_limit_error', message: 'Slow down.' } },
      headers: { 'retry-after': '7' },
    })
  })

  it('never shows the message of an unexpected error', () => {
    const { status, body } = toAnthropicError(new Error('password=hunter2 in a stack'))
    expect(status).toBe(500)
    expect(body.error).toEqual({ type: 'api_error', message: 'The server had an error while processing your request.' })
  })
})
