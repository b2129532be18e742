import type { ChatCompletion, TokenUsage } from '@switchyard/contracts'
import type { ChatStreamEvent } from '@switchyard/providers'
import { describe, expect, it } from 'vitest'
import { collectOpenAIStream } from '../testing/collect-openai-stream.ts'
import { AnswerAssembler } from './answer-assembler.ts'
import { replayEvents, replayIterator } from './replay-answer.ts'

const usage: TokenUsage = {
  inputTokens: 12,
  outputTokens: 7,
  cachedInputTokens: 0,
  cacheWriteInputTokens: 0,
  reasoningTokens: 0,
}

const completion: ChatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'Hello there' }, finish_reason: 'stop' },
    {
      index: 1,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } },
          { id: 'call_2', type: 'function', function: { name: 'fetch', arguments: '{}' } },
        ],
      },
      finish_reason: 'tool_calls',
    },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
}

describe('replayEvents and AnswerAssembler', () => {
  it('replays a whole answer as chunks that fold back into the same answer', () => {
    const assembler = new AnswerAssembler(10_000)
    for (const event of replayEvents(completion, usage)) assembler.observe(event)
    expect(assembler.completion()).toEqual(completion)
  })

  it('spells the message a client library folds from the chunks, usage last', async () => {
    const events = replayEvents(
      { ...completion, choices: [completion.choices[0] as ChatCompletion['choices'][0]] },
      usage,
    )
    expect(events.at(-1)).toMatchObject({ kind: 'usage', usage, chunk: { choices: [], usage: { total_tokens: 19 } } })
    const chunks = (async function* () {
      for (const event of events) yield event.chunk
    })()
    const collected = await collectOpenAIStream(chunks)
    expect(collected).toMatchObject({ content: 'Hello there', finishReason: 'stop', usage: { prompt_tokens: 12 } })
  })

  it('iterates the events with the first one read already', async () => {
    const events = replayEvents(completion, usage)
    const { first, events: rest } = replayIterator(events)
    const read: ChatStreamEvent[] = first.done ? [] : [first.value]
    for (let next = await rest.next(); !next.done; next = await rest.next()) read.push(next.value)
    expect(read).toEqual(events)
  })

  it('rebuilds a provider-style stream whose text and arguments come in pieces', () => {
    const assembler = new AnswerAssembler(10_000)
    const chunk = (choices: unknown[], extra = {}) =>
      ({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices, ...extra }) as never
    const pieces: ChatStreamEvent[] = [
      { kind: 'chunk', chunk: chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]) },
      { kind: 'chunk', chunk: chunk([{ index: 0, delta: { content: 'Hel' }, finish_reason: null }]) },
      { kind: 'chunk', chunk: chunk([{ index: 0, delta: { content: 'lo' }, finish_reason: null }]) },
      {
        kind: 'chunk',
        chunk: chunk([
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, id: 'call_9', function: { name: 'f', arguments: '{"a"' } }] },
            finish_reason: null,
          },
        ]),
      },
      {
        kind: 'chunk',
        chunk: chunk([
          { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }, finish_reason: null },
        ]),
      },
      { kind: 'chunk', chunk: chunk([{ index: 0, delta: {}, finish_reason: 'tool_calls' }]) },
      {
        kind: 'usage',
        usage,
        chunk: chunk([], { usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 } }),
      },
    ]
    for (const event of pieces) assembler.observe(event)
    expect(assembler.completion()?.choices).toEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'Hello',
          tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
        },
        finish_reason: 'tool_calls',
      },
    ])
  })

  it('gives up on an answer longer than its bound, and on one that never finished', () => {
    const long = new AnswerAssembler(5)
    for (const event of replayEvents(completion, usage)) long.observe(event)
    expect(long.completion()).toBeNull()
    const unfinished = new AnswerAssembler(10_000)
    const events = replayEvents(completion, usage)
    unfinished.observe(events[0] as ChatStreamEvent)
    expect(unfinished.completion()).toBeNull()
  })
})
