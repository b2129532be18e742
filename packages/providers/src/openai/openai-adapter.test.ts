import { describe, expect, it } from 'vitest'
import { loadAdapterFixtures, runAdapterContract } from '../adapter-contract.ts'
import type { CallContext } from '../provider-adapter.ts'
import { openaiAdapter } from './openai-adapter.ts'
import { buildOpenAIChatBody } from './openai-chat-body.ts'

runAdapterContract('openai', openaiAdapter, loadAdapterFixtures(new URL('./fixtures/', import.meta.url)))

const context: CallContext<'openai'> = { target: { type: 'openai' }, upstreamModel: 'gpt-4o', requestId: 'r1' }

describe('openai adapter', () => {
  it('builds embeddings requests and reads the answer', () => {
    const built = openaiAdapter.buildEmbeddingsRequest?.(
      { model: 'embed', input: ['a', 'b'], dimensions: 256 },
      context,
    )
    expect(built?.url).toBe('https://api.openai.com/v1/embeddings')
    expect(JSON.parse(String(built?.body))).toEqual({ model: 'gpt-4o', input: ['a', 'b'], dimensions: 256 })
    const body = {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2] }],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 2, total_tokens: 2 },
    }
    expect(openaiAdapter.parseEmbeddingsResponse?.(body, context)).toEqual(body)
    expect(() => openaiAdapter.parseEmbeddingsResponse?.({ data: 'no' }, context)).toThrow('malformed')
  })

  it('forces usage on streams but keeps what the client set in stream_options', () => {
    const body = buildOpenAIChatBody(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
        stream_options: { include_usage: false },
      },
      'gpt-4o',
    )
    expect(body.stream_options).toEqual({ include_usage: true })
    const unary = buildOpenAIChatBody({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }, 'gpt-4o')
    expect(unary).not.toHaveProperty('stream_options')
  })

  it('applies quirks as data: renames without overwriting, then drops', () => {
    const body = buildOpenAIChatBody(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
        max_completion_tokens: 10,
        parallel_tool_calls: false,
        seed: 3,
      },
      null,
      { dropFields: ['stream_options', 'parallel_tool_calls'], renameFields: { max_completion_tokens: 'max_tokens' } },
    )
    expect(body).toEqual({ messages: [{ role: 'user', content: 'Hi' }], stream: true, max_tokens: 10, seed: 3 })
  })

  it('fills in what OpenAI requires for servers that leave it out, and reads unknown finish reasons as stop', () => {
    const result = openaiAdapter.parseChatResponse(
      {
        id: 'x',
        created: 1,
        model: 'llama',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hi', tool_calls: null }, finish_reason: 'eos' }],
        usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6, prompt_cache_hit_tokens: 3 },
      },
      context,
      () => 0,
    )
    expect(result.completion.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: 'Hi', refusal: null },
      finish_reason: 'stop',
      logprobs: null,
    })
    expect(result.completion.object).toBe('chat.completion')
    expect(result.usage.cachedInputTokens).toBe(3)
    expect(() => openaiAdapter.parseChatResponse({ nope: true }, context, () => 0)).toThrow('malformed')
  })
})

describe('openai stream decoding', () => {
  const encoder = new TextEncoder()
  async function decode(text: string) {
    async function* body() {
      yield encoder.encode(text)
    }
    const events = []
    for await (const event of openaiAdapter.decodeChatStream(body(), context, () => 0)) events.push(event)
    return events
  }
  const chunk = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`

  it('ends with zero usage when a server reports none, and accepts a finished stream without [DONE]', async () => {
    const events = await decode(chunk({ role: 'assistant', content: 'Hi' }, null) + chunk({}, 'stop'))
    expect(events.map((event) => event.kind)).toEqual(['chunk', 'chunk', 'usage'])
    expect(events.at(-1)).toMatchObject({ kind: 'usage', usage: { inputTokens: 0, outputTokens: 0 } })
  })

  it('refuses a stream event that is not JSON', async () => {
    await expect(decode('data: {not json\n\n')).rejects.toThrow('malformed')
  })
})
