import { describe, expect, it } from 'vitest'
import { loadAdapterFixtures, runAdapterContract } from '../adapter-contract.ts'
import { createOpenAICompatibleAdapter } from './openai-compatible-adapter.ts'
import { mistralPreset, OPENAI_COMPATIBLE_PRESETS, ollamaPreset } from './openai-compatible-presets.ts'

const adapter = createOpenAICompatibleAdapter({ presets: OPENAI_COMPATIBLE_PRESETS })

runAdapterContract('openai-compatible', adapter, loadAdapterFixtures(new URL('./fixtures/', import.meta.url)))

function bodyFor(options: Parameters<typeof createOpenAICompatibleAdapter>[0], baseUrl: string): unknown {
  const built = createOpenAICompatibleAdapter(options).buildChatRequest(
    { model: 'm', messages: [{ role: 'user', content: 'Hi' }], stream: true, max_completion_tokens: 8 },
    { target: { type: 'openai-compatible', baseUrl }, upstreamModel: 'llama3.2', requestId: 'r' },
  )
  return JSON.parse(String(built.body))
}

describe('openai-compatible adapter', () => {
  it('takes quirks from the preset whose origin matches, and none elsewhere', () => {
    const presets = OPENAI_COMPATIBLE_PRESETS
    expect(bodyFor({ presets }, 'http://localhost:11434/v1/')).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 8,
    })
    expect(bodyFor({ presets }, 'http://gpu-box:11434/v1')).toMatchObject({ max_completion_tokens: 8 })
    expect(bodyFor({}, 'https://api.mistral.ai/v1')).toMatchObject({ stream_options: { include_usage: true } })
  })

  it('uses fixed quirks when given, whatever the base URL', () => {
    expect(bodyFor({ quirks: mistralPreset.quirks }, 'https://mistral-proxy.example.com/v1')).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      max_tokens: 8,
    })
    expect(bodyFor({ quirks: ollamaPreset.quirks }, 'http://x/v1')).toMatchObject({ max_tokens: 8 })
  })

  it('has one preset per origin, each with an http(s) default base URL', () => {
    const origins = OPENAI_COMPATIBLE_PRESETS.map((preset) => new URL(preset.defaultBaseUrl).origin)
    expect(new Set(origins).size).toBe(origins.length)
    for (const preset of OPENAI_COMPATIBLE_PRESETS) expect(preset.defaultBaseUrl).toMatch(/^https?:\/\//)
  })
})
