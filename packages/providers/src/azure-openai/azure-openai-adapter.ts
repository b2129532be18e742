import type { ProviderTarget } from '@switchyard/contracts'
import { missingCredentialsError } from '../adapter-errors.ts'
import {
  buildOpenAIChatBody,
  buildOpenAIEmbeddingsBody,
  decodeOpenAIChatStream,
  openAIJsonRequest,
  openAIUpstreamError,
  parseOpenAIChatResponse,
  parseOpenAIEmbeddingsResponse,
} from '../openai/index.ts'
import type { ProviderAdapter } from '../provider-adapter.ts'
import { withHeaders } from '../with-headers.ts'

type AzureTarget = Extract<ProviderTarget, { type: 'azure-openai' }>

/**
 * `https://{resource}.openai.azure.com/openai/deployments/{deployment}/{operation}?api-version=…`,
 * or the same under a custom `endpoint`. The deployment (our `upstreamModel`) is in the URL, so the
 * body carries no `model`. Streams need an api-version that knows `stream_options` (2024-09-01 and
 * later), since usage is always asked for.
 */
export function azureDeploymentUrl(target: AzureTarget, deployment: string, operation: string): string {
  const origin = target.endpoint?.replace(/\/+$/, '') ?? `https://${target.resource}.openai.azure.com`
  const query = new URLSearchParams({ 'api-version': target.apiVersion })
  return `${origin}/openai/deployments/${encodeURIComponent(deployment)}/${operation}?${query}`
}

/** Azure OpenAI: OpenAI's body and answers, Azure's URLs and `api-key` header. */
export const azureOpenAIAdapter: ProviderAdapter<'azure-openai'> = {
  type: 'azure-openai',
  buildChatRequest: (request, { target, upstreamModel }) =>
    openAIJsonRequest(
      azureDeploymentUrl(target, upstreamModel, 'chat/completions'),
      buildOpenAIChatBody(request, null),
    ),
  parseChatResponse: (body) => parseOpenAIChatResponse(body),
  decodeChatStream: (body, _context, now) => decodeOpenAIChatStream(body, now),
  buildEmbeddingsRequest: (request, { target, upstreamModel }) =>
    openAIJsonRequest(
      azureDeploymentUrl(target, upstreamModel, 'embeddings'),
      buildOpenAIEmbeddingsBody(request, null),
    ),
  parseEmbeddingsResponse: (body) => parseOpenAIEmbeddingsResponse(body),
  /** Content filter refusals (400, `code: content_filter`) map to `content_policy` in the shared OpenAI reader. */
  toUpstreamError: openAIUpstreamError,
  authenticate(request, credentials) {
    if (credentials === null) throw missingCredentialsError()
    return withHeaders(request, { 'api-key': credentials.apiKey })
  },
}
