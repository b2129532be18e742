import { bearerToken } from '../openai/openai-auth.ts'
import { headerValue, type IncomingCall, queryParam } from '../server/endpoint.ts'
import type { JsonReply } from '../server/reply.ts'
import { azureErrors } from './azure-errors.ts'

/** Azure needs `?api-version=` (404 without, as Azure does) and an `api-key` (or Entra bearer token). */
export function admitAzure(call: IncomingCall): JsonReply | undefined {
  if (queryParam(call.query, 'api-version') === undefined) return azureErrors.error(404)
  const apiKey = headerValue(call.headers, 'api-key')
  if ((apiKey === undefined || apiKey === '') && bearerToken(call) === undefined) return azureErrors.error(401)
  return undefined
}
