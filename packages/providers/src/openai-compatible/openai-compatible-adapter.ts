import {
  buildOpenAIChatBody,
  buildOpenAIEmbeddingsBody,
  decodeOpenAIChatStream,
  NO_QUIRKS,
  type OpenAIDialectQuirks,
  openAIJsonRequest,
  openAIUpstreamError,
  parseOpenAIChatResponse,
  parseOpenAIEmbeddingsResponse,
} from '../openai/index.ts'
import type { ProviderAdapter } from '../provider-adapter.ts'
import { withHeaders } from '../with-headers.ts'
import type { OpenAICompatiblePreset } from './openai-compatible-presets.ts'

export interface OpenAICompatibleOptions {
  /** The quirks of every server this adapter talks to (one preset's). */
  readonly quirks?: OpenAIDialectQuirks
  /** Otherwise: the quirks of the preset whose default base URL has the target's origin, if any. */
  readonly presets?: readonly OpenAICompatiblePreset[]
}

function originOf(url: string): string | undefined {
  return URL.canParse(url) ? new URL(url).origin : undefined
}

/**
 * An adapter for any server that speaks the OpenAI chat-completions dialect at `target.baseUrl`:
 * OpenAI's body (with the server's quirks applied as data), OpenAI's answers, an optional bearer
 * key. The quirks table is built once here, never per request.
 */
export function createOpenAICompatibleAdapter(
  options: OpenAICompatibleOptions = {},
): ProviderAdapter<'openai-compatible'> {
  const quirksByOrigin = new Map<string, OpenAIDialectQuirks>()
  for (const preset of options.presets ?? []) {
    const origin = originOf(preset.defaultBaseUrl)
    if (origin !== undefined && !quirksByOrigin.has(origin)) quirksByOrigin.set(origin, preset.quirks)
  }
  const quirksFor = (baseUrl: string): OpenAIDialectQuirks =>
    options.quirks ?? quirksByOrigin.get(originOf(baseUrl) ?? '') ?? NO_QUIRKS
  const urlOf = (baseUrl: string, operation: string) => `${baseUrl.replace(/\/+$/, '')}/${operation}`
  return {
    type: 'openai-compatible',
    buildChatRequest: (request, { target, upstreamModel }) =>
      openAIJsonRequest(
        urlOf(target.baseUrl, 'chat/completions'),
        buildOpenAIChatBody(request, upstreamModel, quirksFor(target.baseUrl)),
      ),
    parseChatResponse: (body) => parseOpenAIChatResponse(body),
    decodeChatStream: (body, _context, now) => decodeOpenAIChatStream(body, now),
    buildEmbeddingsRequest: (request, { target, upstreamModel }) =>
      openAIJsonRequest(urlOf(target.baseUrl, 'embeddings'), buildOpenAIEmbeddingsBody(request, upstreamModel)),
    parseEmbeddingsResponse: (body) => parseOpenAIEmbeddingsResponse(body),
    toUpstreamError: openAIUpstreamError,
    /** Local servers (vLLM, Ollama) often need no key: then the request goes as built. */
    authenticate: (request, credentials) =>
      credentials?.apiKey === undefined
        ? request
        : withHeaders(request, { authorization: `Bearer ${credentials.apiKey}` }),
  }
}
