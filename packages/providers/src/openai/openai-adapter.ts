import type { ProviderTarget } from '@switchyard/contracts'
import { missingCredentialsError } from '../adapter-errors.ts'
import type { ProviderAdapter } from '../provider-adapter.ts'
import { withHeaders } from '../with-headers.ts'
import { decodeOpenAIChatStream } from './decode-openai-stream.ts'
import { buildOpenAIChatBody, openAIJsonRequest } from './openai-chat-body.ts'
import { buildOpenAIEmbeddingsBody, parseOpenAIEmbeddingsResponse } from './openai-embeddings.ts'
import { openAIUpstreamError } from './openai-error.ts'
import { parseOpenAIChatResponse } from './parse-openai-response.ts'

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1'

function baseUrlOf(target: Extract<ProviderTarget, { type: 'openai' }>): string {
  return (target.baseUrl ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, '')
}

/** OpenAI itself: the canonical format, so the body passes through. */
export const openaiAdapter: ProviderAdapter<'openai'> = {
  type: 'openai',
  buildChatRequest: (request, context) =>
    openAIJsonRequest(
      `${baseUrlOf(context.target)}/chat/completions`,
      buildOpenAIChatBody(request, context.upstreamModel),
    ),
  parseChatResponse: (body) => parseOpenAIChatResponse(body),
  decodeChatStream: (body, _context, now) => decodeOpenAIChatStream(body, now),
  buildEmbeddingsRequest: (request, context) =>
    openAIJsonRequest(
      `${baseUrlOf(context.target)}/embeddings`,
      buildOpenAIEmbeddingsBody(request, context.upstreamModel),
    ),
  parseEmbeddingsResponse: (body) => parseOpenAIEmbeddingsResponse(body),
  toUpstreamError: openAIUpstreamError,
  authenticate(request, credentials, context) {
    if (credentials === null) throw missingCredentialsError()
    const { organization, project } = context.target
    return withHeaders(request, {
      authorization: `Bearer ${credentials.apiKey}`,
      ...(organization === undefined ? {} : { 'openai-organization': organization }),
      ...(project === undefined ? {} : { 'openai-project': project }),
    })
  },
}
