import type { OpenAIDialectQuirks } from '../openai/index.ts'

/** A known OpenAI-compatible server: where it usually lives and how it departs from OpenAI. */
export interface OpenAICompatiblePreset {
  readonly name: string
  readonly defaultBaseUrl: string
  readonly quirks: OpenAIDialectQuirks
}

/** Servers that know only the older name of the output limit. */
const MAX_TOKENS_ONLY = { max_completion_tokens: 'max_tokens' } as const

export const vllmPreset: OpenAICompatiblePreset = {
  name: 'vLLM',
  defaultBaseUrl: 'http://localhost:8000/v1',
  quirks: { renameFields: MAX_TOKENS_ONLY }, // older releases ignore max_completion_tokens
}

export const ollamaPreset: OpenAICompatiblePreset = {
  name: 'Ollama',
  defaultBaseUrl: 'http://localhost:11434/v1',
  quirks: { renameFields: MAX_TOKENS_ONLY },
}

/** Accepts OpenAI's body as is; the fields it refuses (logprobs, logit_bias, n > 1) get its own 400. */
export const groqPreset: OpenAICompatiblePreset = {
  name: 'Groq',
  defaultBaseUrl: 'https://api.groq.com/openai/v1',
  quirks: {},
}

/** Refuses unknown fields with a 422; sends usage in the last chunk without being asked. */
export const mistralPreset: OpenAICompatiblePreset = {
  name: 'Mistral',
  defaultBaseUrl: 'https://api.mistral.ai/v1',
  quirks: {
    dropFields: ['stream_options', 'user', 'store', 'metadata', 'service_tier'],
    renameFields: { ...MAX_TOKENS_ONLY, seed: 'random_seed' },
  },
}

export const togetherPreset: OpenAICompatiblePreset = {
  name: 'Together',
  defaultBaseUrl: 'https://api.together.xyz/v1',
  quirks: { renameFields: MAX_TOKENS_ONLY },
}

/** Reports cache hits as `prompt_cache_hit_tokens`, which the shared usage reader understands. */
export const deepseekPreset: OpenAICompatiblePreset = {
  name: 'DeepSeek',
  defaultBaseUrl: 'https://api.deepseek.com/v1',
  quirks: { renameFields: MAX_TOKENS_ONLY },
}

/** Sends `: OPENROUTER PROCESSING` comments while it waits, which the SSE decoder skips. */
export const openRouterPreset: OpenAICompatiblePreset = {
  name: 'OpenRouter',
  defaultBaseUrl: 'https://openrouter.ai/api/v1',
  quirks: { renameFields: MAX_TOKENS_ONLY },
}

export const OPENAI_COMPATIBLE_PRESETS: readonly OpenAICompatiblePreset[] = [
  vllmPreset,
  ollamaPreset,
  groqPreset,
  mistralPreset,
  togetherPreset,
  deepseekPreset,
  openRouterPreset,
]
