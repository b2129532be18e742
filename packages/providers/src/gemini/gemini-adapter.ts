import { missingCredentialsError } from '../adapter-errors.ts'
import type { ProviderAdapter } from '../provider-adapter.ts'
import { withHeaders } from '../with-headers.ts'
import { buildGeminiChatRequest } from './build-gemini-request.ts'
import { decodeGeminiStream } from './decode-gemini-stream.ts'
import { toGeminiUpstreamError } from './gemini-errors.ts'
import { parseGeminiChatResponse } from './gemini-response.ts'

/**
 * Google Gemini API (`generativelanguage.googleapis.com`, API key). Embeddings are left out:
 * `batchEmbedContents` reports no token counts, so the gateway could not meter them.
 */
export const geminiAdapter: ProviderAdapter<'gemini'> = {
  type: 'gemini',
  buildChatRequest: buildGeminiChatRequest,
  parseChatResponse: parseGeminiChatResponse,
  decodeChatStream: decodeGeminiStream,
  toUpstreamError: toGeminiUpstreamError,
  authenticate(request, credentials) {
    if (credentials === null) throw missingCredentialsError()
    return withHeaders(request, { 'x-goog-api-key': credentials.apiKey })
  },
}
