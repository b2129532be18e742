import { describe, expect, it } from 'vitest'
import { loadTokenCounter } from '../metering/estimate-tokens.ts'
import {
  chatRequestSize,
  DEFAULT_MAX_OUTPUT_TOKENS,
  embeddingsRequestSize,
  messagesRequestSize,
} from './request-size.ts'

describe('request size for limits and budgets', () => {
  it('counts a chat’s input with the tokenizer, framing included, and takes its max tokens or the cap', async () => {
    const count = await loadTokenCounter()
    const text = 'The quick brown fox jumps over the lazy dog, twice: the quick brown fox jumps over the lazy dog.'
    const size = await chatRequestSize({ model: 'm', messages: [{ role: 'user', content: text }], max_tokens: 50 })
    // 3 to prime the reply, 3 per message, plus its role and text.
    expect(size).toEqual({ inputTokens: 3 + 3 + count('user') + count(text), maxOutputTokens: 50 })
    const uncapped = await chatRequestSize({ model: 'm', messages: [{ role: 'user', content: text }] })
    expect(uncapped.maxOutputTokens).toBe(DEFAULT_MAX_OUTPUT_TOKENS)
    // Far from the four-characters-a-token guess for text that tokenizes densely.
    const digits = '7'.repeat(400)
    const dense = await chatRequestSize({ model: 'm', messages: [{ role: 'user', content: digits }] })
    expect(dense.inputTokens).toBe(3 + 3 + count('user') + count(digits))
  })

  it('counts Anthropic messages with their system prompt and text blocks', async () => {
    const count = await loadTokenCounter()
    const size = await messagesRequestSize({
      model: 'm',
      max_tokens: 64,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello there' }] }],
    })
    expect(size).toEqual({ inputTokens: count('Be brief.') + 3 + count('Hello there'), maxOutputTokens: 64 })
  })

  it('counts embeddings input and reserves no output', async () => {
    const count = await loadTokenCounter()
    expect(await embeddingsRequestSize({ model: 'm', input: ['alpha beta', 'gamma'] })).toEqual({
      inputTokens: count('alpha beta') + count('gamma'),
      maxOutputTokens: 0,
    })
  })
})
