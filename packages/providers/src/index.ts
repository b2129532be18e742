export {
  ANTHROPIC_DEFAULT_BASE_URL,
  ANTHROPIC_DEFAULT_MAX_TOKENS,
  ANTHROPIC_DEFAULT_VERSION,
  anthropicAdapter,
  JSON_RESPONSE_TOOL_NAME,
} from './anthropic/index.ts'
export { azureDeploymentUrl, azureOpenAIAdapter } from './azure-openai/index.ts'
export { bedrockAdapter, createBedrockAdapter } from './bedrock/index.ts'
export { toChatUsage } from './chat-usage.ts'
export { geminiAdapter } from './gemini/index.ts'
export { OPENAI_DEFAULT_BASE_URL, type OpenAIDialectQuirks, openaiAdapter } from './openai/index.ts'
export {
  createOpenAICompatibleAdapter,
  deepseekPreset,
  groqPreset,
  mistralPreset,
  OPENAI_COMPATIBLE_PRESETS,
  type OpenAICompatibleOptions,
  type OpenAICompatiblePreset,
  ollamaPreset,
  openRouterPreset,
  togetherPreset,
  vllmPreset,
} from './openai-compatible/index.ts'
export type {
  CallContext,
  ChatResult,
  ChatStreamEvent,
  ProviderAdapter,
  ProviderAdapterRegistry,
  UpstreamErrorResponse,
  UpstreamRequest,
} from './provider-adapter.ts'
export { providerAdapters } from './registry.ts'
export { parseRetryAfterMs } from './retry-after.ts'
export { decodeSse, type SseEvent, SseProtocolError } from './sse/decode-sse.ts'
export { UpstreamError, type UpstreamErrorClass } from './upstream-error.ts'
