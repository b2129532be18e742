export { createOpenAICompatibleAdapter, type OpenAICompatibleOptions } from './openai-compatible-adapter.ts'
export {
  deepseekPreset,
  groqPreset,
  mistralPreset,
  OPENAI_COMPATIBLE_PRESETS,
  type OpenAICompatiblePreset,
  ollamaPreset,
  openRouterPreset,
  togetherPreset,
  vllmPreset,
} from './openai-compatible-presets.ts'
