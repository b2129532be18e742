import { headerValue, type IncomingCall } from '../server/endpoint.ts'
import type { JsonReply } from '../server/reply.ts'
import { anthropicErrors } from './anthropic-errors.ts'

/** Any non-empty `x-api-key` (or bearer token) is valid; `anthropic-version` is required. */
export function admitAnthropic(call: IncomingCall): JsonReply | undefined {
  const apiKey = headerValue(call.headers, 'x-api-key')
  const authorization = headerValue(call.headers, 'authorization')
  if ((apiKey === undefined || apiKey === '') && !authorization?.toLowerCase().startsWith('bearer ')) {
    return anthropicErrors.error(401, 'x-api-key header is required')
  }
  if (headerValue(call.headers, 'anthropic-version') === undefined) {
    return anthropicErrors.error(400, 'anthropic-version: header is required')
  }
  return undefined
}
