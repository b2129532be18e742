import type { Endpoint, IncomingCall } from '../server/endpoint.ts'
import { jsonReply } from '../server/reply.ts'
import { authenticateOpenAI } from './openai-auth.ts'
import { openAIErrors } from './openai-errors.ts'

/** What `GET /v1/models` lists; any other model name is accepted by the other endpoints too. */
const knownModels = [
  'gpt-4o',
  'gpt-4o-mini',
  'gpt-4.1',
  'gpt-4.1-mini',
  'o3-mini',
  'text-embedding-3-small',
  'text-embedding-3-large',
  'text-embedding-ada-002',
]
const created = 1_700_000_000

function modelObject(id: string) {
  return { id, object: 'model', created, owned_by: id.startsWith('text-embedding') ? 'openai-internal' : 'system' }
}

const modelList = { object: 'list', data: knownModels.map(modelObject) }

export const listModelsEndpoint: Endpoint = {
  dialect: openAIErrors,
  hasBody: false,
  authenticate: authenticateOpenAI,
  prepare: () => ({ kind: 'prepared', scenarioKey: undefined, reply: () => jsonReply(200, modelList) }),
}

export const retrieveModelEndpoint: Endpoint = {
  dialect: openAIErrors,
  hasBody: false,
  authenticate: authenticateOpenAI,
  prepare(_json, call: IncomingCall) {
    const id = call.params[0] ?? ''
    return { kind: 'prepared', scenarioKey: undefined, reply: () => jsonReply(200, modelObject(id)) }
  },
}
