import { nextId } from '../core/ids.ts'
import type { ErrorDialect } from '../server/endpoint.ts'
import { jsonReply } from '../server/reply.ts'

interface ErrorKind {
  readonly type: string
  readonly message: string
}

const kinds: Readonly<Record<number, ErrorKind>> = {
  400: { type: 'invalid_request_error', message: 'Invalid request.' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  402: { type: 'billing_error', message: 'Your credit balance is too low to access the Anthropic API.' },
  403: { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' },
  404: { type: 'not_found_error', message: 'Not found.' },
  413: { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' },
  429: {
    type: 'rate_limit_error',
    message: 'This request would exceed the rate limit for your organization. Please try again later.',
  },
  500: { type: 'api_error', message: 'Internal server error' },
  504: { type: 'timeout_error', message: 'Request timed out.' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
}

function kindOf(status: number): ErrorKind {
  return kinds[status] ?? { type: status >= 500 ? 'api_error' : 'invalid_request_error', message: `Error ${status}.` }
}

/** `{"type":"error","error":{"type","message"},"request_id"}` with a `request-id` header. */
export const anthropicErrors: ErrorDialect = {
  error(status, message) {
    const kind = kindOf(status)
    const requestId = nextId('req_')
    return jsonReply(
      status,
      { type: 'error', error: { type: kind.type, message: message ?? kind.message }, request_id: requestId },
      { 'request-id': requestId },
    )
  },
}
