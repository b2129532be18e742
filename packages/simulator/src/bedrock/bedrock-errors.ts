import { nextId } from '../core/ids.ts'
import type { ErrorDialect } from '../server/endpoint.ts'
import type { JsonReply } from '../server/reply.ts'
import { jsonReply } from '../server/reply.ts'

interface ErrorKind {
  readonly type: string
  readonly message: string
}

const kinds: Readonly<Record<number, ErrorKind>> = {
  400: { type: 'ValidationException', message: 'Malformed input request, please reformat your input and try again.' },
  403: { type: 'AccessDeniedException', message: "You don't have access to the model with the specified model ID." },
  404: { type: 'ResourceNotFoundException', message: 'The requested resource could not be found.' },
  408: { type: 'ModelTimeoutException', message: 'Model has timed out in processing the request.' },
  413: { type: 'ValidationException', message: 'Input is too long for requested model.' },
  424: { type: 'ModelErrorException', message: 'The model returned an error while processing the request.' },
  429: { type: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' },
  500: {
    type: 'InternalServerException',
    message: 'The server encountered an internal error while processing the request.',
  },
  503: { type: 'ServiceUnavailableException', message: 'Bedrock is unable to process your request.' },
}

/** `{"message"}` with the exception name in `x-amzn-ErrorType`, as AWS's REST-JSON services answer. */
export function bedrockError(status: number, type: string, message: string): JsonReply {
  return jsonReply(status, { message }, { 'x-amzn-ErrorType': type, 'x-amzn-RequestId': nextId('') })
}

export const bedrockErrors: ErrorDialect = {
  error(status, message) {
    const kind = kinds[status] ?? {
      type: status >= 500 ? 'InternalServerException' : 'ValidationException',
      message: `Request failed with status ${status}.`,
    }
    return bedrockError(status, kind.type, message ?? kind.message)
  },
}
