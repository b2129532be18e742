import type { ErrorDialect } from '../server/endpoint.ts'
import { jsonReply } from '../server/reply.ts'

interface ErrorKind {
  readonly status: string
  readonly message: string
}

const kinds: Readonly<Record<number, ErrorKind>> = {
  400: { status: 'INVALID_ARGUMENT', message: 'Request contains an invalid argument.' },
  401: { status: 'UNAUTHENTICATED', message: 'Request had invalid authentication credentials.' },
  403: {
    status: 'PERMISSION_DENIED',
    message:
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
  },
  404: { status: 'NOT_FOUND', message: 'Requested entity was not found.' },
  413: { status: 'INVALID_ARGUMENT', message: 'Request payload size exceeds the limit.' },
  429: { status: 'RESOURCE_EXHAUSTED', message: 'Resource has been exhausted (e.g. check quota).' },
  500: {
    status: 'INTERNAL',
    message:
      'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  },
  503: { status: 'UNAVAILABLE', message: 'The model is overloaded. Please try again later.' },
  504: { status: 'DEADLINE_EXCEEDED', message: 'Deadline expired before operation could complete.' },
}

function kindOf(status: number): ErrorKind {
  return kinds[status] ?? { status: status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION', message: `Error ${status}.` }
}

/** Google's `{"error":{"code","message","status"}}`. */
export const geminiErrors: ErrorDialect = {
  error(status, message) {
    const kind = kindOf(status)
    return jsonReply(status, { error: { code: status, message: message ?? kind.message, status: kind.status } })
  },
}
