export type {
  CallContext,
  ChatResult,
  ChatStreamEvent,
  ProviderAdapter,
  ProviderAdapterRegistry,
  UpstreamErrorResponse,
  UpstreamRequest,
} from './provider-adapter.ts'
export { decodeSse, type SseEvent, SseProtocolError } from './sse/decode-sse.ts'
export { UpstreamError, type UpstreamErrorClass } from './upstream-error.ts'
