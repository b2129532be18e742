import { anthropicAdapter } from './anthropic/index.ts'
import { azureOpenAIAdapter } from './azure-openai/index.ts'
import { bedrockAdapter } from './bedrock/index.ts'
import { geminiAdapter } from './gemini/index.ts'
import { openaiAdapter } from './openai/index.ts'
import { createOpenAICompatibleAdapter, OPENAI_COMPATIBLE_PRESETS } from './openai-compatible/index.ts'
import type { ProviderAdapterRegistry } from './provider-adapter.ts'

/**
 * Every provider type's adapter. The type is mapped over the provider-type union, so a provider
 * type without an adapter does not compile. Adapters are stateless translation tables, so one
 * shared instance is safe; the `openai-compatible` one applies a known server's quirks when the
 * target's base URL has that server's origin.
 */
export const providerAdapters: ProviderAdapterRegistry = {
  openai: openaiAdapter,
  'azure-openai': azureOpenAIAdapter,
  anthropic: anthropicAdapter,
  gemini: geminiAdapter,
  bedrock: bedrockAdapter,
  'openai-compatible': createOpenAICompatibleAdapter({ presets: OPENAI_COMPATIBLE_PRESETS }),
}
