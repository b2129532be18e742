import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingsRequest,
  EmbeddingsResponse,
  ProviderCredentials,
  ProviderTarget,
  ProviderType,
  TokenUsage,
} from '@switchyard/contracts'
import type { UpstreamError } from './upstream-error.ts'

/** An HTTP request to a provider, built but not yet authenticated. */
export interface UpstreamRequest {
  readonly method: 'GET' | 'POST'
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | Uint8Array | undefined
}

/** What an adapter needs to know about the call besides the request itself. */
export interface CallContext<T extends ProviderType = ProviderType> {
  readonly target: Extract<ProviderTarget, { type: T }>
  /** The provider's model id for this deployment (Azure: the deployment name). */
  readonly upstreamModel: string
  /** Ours, sent upstream where the provider accepts one, and used to build response ids. */
  readonly requestId: string
}

/** The non-streaming result, translated. */
export interface ChatResult {
  readonly completion: ChatCompletion
  readonly usage: TokenUsage
}

/**
 * One canonical stream event. Chunks come in order; the last event carries the usage, with an
 * OpenAI usage chunk (`choices: []`) to send when the client asked for `include_usage`. Adapters
 * always emit it (they ask upstream for usage whatever the client asked), and chunk events never
 * carry usage, so the gateway decides from the client's `stream_options` alone.
 */
export type ChatStreamEvent =
  | { readonly kind: 'chunk'; readonly chunk: ChatCompletionChunk }
  | { readonly kind: 'usage'; readonly usage: TokenUsage; readonly chunk: ChatCompletionChunk }

/**
 * Canonical (OpenAI chat completions) ⇄ one provider's wire format. Pure: no I/O, no clocks
 * except through `now`. The gateway does the HTTP; `authenticate` is applied to the built
 * request as a separate step.
 */
export interface ProviderAdapter<T extends ProviderType = ProviderType> {
  readonly type: T
  buildChatRequest(request: ChatCompletionRequest, context: CallContext<T>): UpstreamRequest
  parseChatResponse(body: unknown, context: CallContext<T>, now: () => number): ChatResult
  /** Vendor stream bytes → canonical events. Throws `UpstreamError` for an error event mid-stream. */
  decodeChatStream(
    body: AsyncIterable<Uint8Array>,
    context: CallContext<T>,
    now: () => number,
  ): AsyncIterable<ChatStreamEvent>
  buildEmbeddingsRequest?(request: EmbeddingsRequest, context: CallContext<T>): UpstreamRequest
  parseEmbeddingsResponse?(body: unknown, context: CallContext<T>): EmbeddingsResponse
  /**
   * A non-2xx answer → the error the gateway shows (OpenAI shape, faithful status). `now` turns a
   * `Retry-After` HTTP date into a delay; without it only delays in seconds/milliseconds count.
   */
  toUpstreamError(response: UpstreamErrorResponse, now?: () => number): UpstreamError
  /** Adds credentials: bearer, api-key header, x-api-key, AWS SigV4… */
  authenticate(
    request: UpstreamRequest,
    credentials: Extract<ProviderCredentials, { type: T }> | null,
    context: CallContext<T>,
  ): UpstreamRequest | Promise<UpstreamRequest>
}

export interface UpstreamErrorResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly bodyText: string
}

/** Every provider type has an adapter: a missing one is a compile error. */
export type ProviderAdapterRegistry = { readonly [T in ProviderType]: ProviderAdapter<T> }
