import { createChatEndpoint } from '../openai/chat-endpoint.ts'
import { createEmbeddingsEndpoint } from '../openai/embeddings.ts'
import type { IncomingCall, ProviderFamily } from '../server/endpoint.ts'
import { admitAzure } from './azure-auth.ts'
import { azureErrors } from './azure-errors.ts'
import { azureContentFilters } from './content-filter.ts'

/** The deployment in the path is the model: replies name it and scenarios are keyed by it. */
const deploymentOf = (call: IncomingCall) => call.params[0] ?? ''

/** `/azure/openai/deployments/{deployment}/…?api-version=`: Azure OpenAI's data plane. */
export function createAzureFamily(): ProviderFamily {
  const shared = { dialect: azureErrors, authenticate: admitAzure, modelOf: deploymentOf, isModelRequired: false }
  return {
    prefix: '/azure/',
    dialect: azureErrors,
    routes: [
      {
        method: 'POST',
        path: /^\/azure\/openai\/deployments\/([^/]+)\/chat\/completions$/,
        endpoint: createChatEndpoint({ ...shared, annotations: azureContentFilters }),
      },
      {
        method: 'POST',
        path: /^\/azure\/openai\/deployments\/([^/]+)\/embeddings$/,
        endpoint: createEmbeddingsEndpoint(shared),
      },
    ],
  }
}
