import type { ProviderFamily } from '../server/endpoint.ts'
import { createChatEndpoint } from './chat-endpoint.ts'
import { createEmbeddingsEndpoint } from './embeddings.ts'
import { listModelsEndpoint, retrieveModelEndpoint } from './models.ts'
import { authenticateOpenAI } from './openai-auth.ts'
import { openAIErrors } from './openai-errors.ts'

const requestedModel = (_call: unknown, model: string | undefined) => model ?? ''

/** `/openai/v1/…`: what api.openai.com (or any OpenAI-compatible server) answers. */
export function createOpenAIFamily(): ProviderFamily {
  const shared = {
    dialect: openAIErrors,
    authenticate: authenticateOpenAI,
    modelOf: requestedModel,
    isModelRequired: true,
  }
  return {
    prefix: '/openai/',
    dialect: openAIErrors,
    routes: [
      { method: 'POST', path: '/openai/v1/chat/completions', endpoint: createChatEndpoint(shared) },
      { method: 'POST', path: '/openai/v1/embeddings', endpoint: createEmbeddingsEndpoint(shared) },
      { method: 'GET', path: '/openai/v1/models', endpoint: listModelsEndpoint },
      { method: 'GET', path: /^\/openai\/v1\/models\/([^/]+)$/, endpoint: retrieveModelEndpoint },
    ],
  }
}
