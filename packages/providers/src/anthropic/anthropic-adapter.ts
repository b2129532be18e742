import { missingCredentialsError } from '../adapter-errors.ts'
import type { ProviderAdapter } from '../provider-adapter.ts'
import { withHeaders } from '../with-headers.ts'
import { anthropicUpstreamError } from './anthropic-error.ts'
import { buildAnthropicBody } from './anthropic-request.ts'
import { decodeAnthropicStream } from './decode-anthropic-stream.ts'
import { parseAnthropicResponse } from './parse-anthropic-response.ts'

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com'
export const ANTHROPIC_DEFAULT_VERSION = '2023-06-01'

/** Anthropic's Messages API. No embeddings. */
export const anthropicAdapter: ProviderAdapter<'anthropic'> = {
  type: 'anthropic',
  buildChatRequest(request, { target, upstreamModel }) {
    const baseUrl = (target.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '')
    return {
      method: 'POST',
      url: `${baseUrl}/v1/messages`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(buildAnthropicBody(request, upstreamModel)),
    }
  },
  parseChatResponse: parseAnthropicResponse,
  decodeChatStream: decodeAnthropicStream,
  toUpstreamError: anthropicUpstreamError,
  authenticate(request, credentials, { target }) {
    if (credentials === null) throw missingCredentialsError()
    return withHeaders(request, {
      'x-api-key': credentials.apiKey,
      'anthropic-version': target.version ?? ANTHROPIC_DEFAULT_VERSION,
    })
  },
}
