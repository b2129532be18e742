import type { IncomingCall } from '../server/endpoint.ts'
import type { JsonReply } from '../server/reply.ts'
import { openAIErrors } from './openai-errors.ts'

/** Any non-empty bearer token is a valid key. */
export function bearerToken(call: IncomingCall): string | undefined {
  const header = call.headers.authorization
  if (header === undefined || header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined
  const token = header.slice(7).trim()
  return token === '' ? undefined : token
}

export function authenticateOpenAI(call: IncomingCall): JsonReply | undefined {
  return bearerToken(call) === undefined ? openAIErrors.error(401) : undefined
}
