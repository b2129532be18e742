import type { ErrorDialect } from '../server/endpoint.ts'
import { jsonReply } from '../server/reply.ts'

interface ErrorKind {
  readonly type: string
  readonly code: string | null
  readonly message: string
}

const kinds: Readonly<Record<number, ErrorKind>> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
  401: {
    type: 'invalid_request_error',
    code: 'invalid_api_key',
    message:
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
  },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Forbidden.' },
  404: { type: 'invalid_request_error', code: null, message: 'The requested resource does not exist.' },
  408: { type: 'timeout', code: null, message: 'Request timed out.' },
  413: { type: 'invalid_request_error', code: 'request_too_large', message: 'Request too large.' },
  429: {
    type: 'requests',
    code: 'rate_limit_exceeded',
    message: 'Rate limit reached for requests. Please try again in 1s.',
  },
  500: {
    type: 'server_error',
    code: null,
    message: 'The server had an error while processing your request. Sorry about that!',
  },
  502: { type: 'server_error', code: null, message: 'Bad gateway.' },
  503: {
    type: 'server_error',
    code: 'service_unavailable',
    message: 'The engine is currently overloaded, please try again later.',
  },
}

function kindOf(status: number): ErrorKind {
  const known = kinds[status]
  if (known !== undefined) return known
  return status >= 500
    ? { type: 'server_error', code: null, message: `The server failed with status ${status}.` }
    : { type: 'invalid_request_error', code: null, message: `The request failed with status ${status}.` }
}

/** `{"error":{"message","type","param","code"}}`, as api.openai.com answers. */
export const openAIErrors: ErrorDialect = {
  error(status, message, param) {
    const kind = kindOf(status)
    return jsonReply(status, {
      error: { message: message ?? kind.message, type: kind.type, param: param ?? null, code: kind.code },
    })
  },
}
