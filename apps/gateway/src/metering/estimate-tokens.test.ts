import type { ChatCompletionRequest } from '@switchyard/contracts'
import type { ChatStreamEvent } from '@switchyard/providers'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  type CountTokens,
  estimatePromptTokens,
  estimateUsage,
  loadTokenCounter,
  StreamedText,
} from './estimate-tokens.ts'

let count: CountTokens
beforeAll(async () => {
  count = await loadTokenCounter()
})

function contentEvent(delta: Record<string, unknown>): ChatStreamEvent {
  return {
    kind: 'chunk',
    chunk: {
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-test',
      choices: [{ index: 0, delta, finish_reason: null }],
    },
  } as ChatStreamEvent
}

async function* from(events: readonly ChatStreamEvent[]): AsyncGenerator<ChatStreamEvent> {
  yield* events
}

describe('token estimates with the o200k_base tokenizer', () => {
  it('counts text as OpenAI’s tokenizer does, special-token look-alikes as plain text', () => {
    // Reference counts of o200k_base (tiktoken): "hello world" is 2 tokens.
    expect(count('hello world')).toBe(2)
    expect(count('')).toBe(0)
    expect(count('<|endoftext|>')).toBeGreaterThan(1)
  })

  it('frames a chat prompt: 3 tokens a message, 3 for the reply, plus role and text', () => {
    const request: ChatCompletionRequest = {
      model: 'm',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: [{ type: 'text', text: 'hello world' }] },
      ],
    }
    const expected = 3 + (3 + count('system') + count('You are terse.')) + (3 + count('user') + count('hello world'))
    expect(estimatePromptTokens({ kind: 'chat', request }, count)).toBe(expected)
  })

  it('counts embeddings input strings and pre-tokenized input', () => {
    expect(estimatePromptTokens({ kind: 'embeddings', request: { model: 'e', input: 'hello world' } }, count)).toBe(2)
    expect(estimatePromptTokens({ kind: 'embeddings', request: { model: 'e', input: [[1, 2, 3], [4]] } }, count)).toBe(
      4,
    )
  })

  it('counts what a stream sent so far, content and tool-call arguments', async () => {
    const streamed = new StreamedText()
    streamed.observe(contentEvent({ role: 'assistant', content: '' }))
    const events = streamed.tap(
      from([
        contentEvent({ content: 'hello' }),
        contentEvent({ tool_calls: [{ index: 0, function: { name: 'lookup', arguments: '{"q":1}' } }] }),
        contentEvent({ content: ' world' }),
      ]),
    )
    let read = 0
    while (!(await events.next()).done) read += 1
    expect(read).toBe(3)
    expect(streamed.tokens(count)).toBe(count('hellolookup{"q":1} world'))
    const usage = estimateUsage({ kind: 'embeddings', request: { model: 'e', input: 'hi' } }, streamed, count)
    expect(usage).toEqual({
      inputTokens: count('hi'),
      outputTokens: count('hellolookup{"q":1} world'),
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
      reasoningTokens: 0,
    })
  })
})
