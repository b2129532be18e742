import type { ChatCompletionChunk, TokenUsage } from '@switchyard/contracts'
import { type ChatStreamEvent, UpstreamError } from '@switchyard/providers'
import { describe, expect, it } from 'vitest'
import { chatEventStream, type StreamOutcome } from './chat-event-stream.ts'

const chunk = (content: string): ChatCompletionChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
})
const usage: TokenUsage = {
  inputTokens: 3,
  outputTokens: 2,
  cachedInputTokens: 0,
  cacheWriteInputTokens: 0,
  reasoningTokens: 0,
}
const usageEvent: ChatStreamEvent = { kind: 'usage', usage, chunk: { ...chunk(''), choices: [] } }

async function run(events: ChatStreamEvent[], includeUsage: boolean, failAfter?: number) {
  async function* source() {
    let index = 0
    for (const event of events) {
      if (index === failAfter) {
        throw new UpstreamError({
          errorClass: 'server_error',
          status: 502,
          upstreamStatus: 500,
          message: 'boom',
          type: 'server_error',
        })
      }
      index += 1
      yield event
    }
  }
  const iterator = source()
  const first = await iterator.next()
  const outcomes: StreamOutcome[] = []
  const stream = chatEventStream(first, iterator, {
    includeUsage,
    abortUpstream: () => {},
    onEnd: (o) => outcomes.push(o),
  })
  const text = await new Response(stream).text()
  return { text, outcomes }
}

describe('chatEventStream', () => {
  const events: ChatStreamEvent[] = [
    { kind: 'chunk', chunk: chunk('Hel') },
    { kind: 'chunk', chunk: chunk('lo') },
    usageEvent,
  ]

  it('ends with [DONE] and reports usage even when the client did not ask for it', async () => {
    const { text, outcomes } = await run(events, false)
    expect(text.split('\n\n').filter(Boolean)).toEqual([
      `data: ${JSON.stringify(chunk('Hel'))}`,
      `data: ${JSON.stringify(chunk('lo'))}`,
      'data: [DONE]',
    ])
    expect(outcomes).toEqual([{ usage, error: null, isClientGone: false }])
  })

  it('sends the usage chunk before [DONE] when asked', async () => {
    const { text } = await run(events, true)
    const frames = text.split('\n\n').filter(Boolean)
    expect(frames.at(-2)).toBe(`data: ${JSON.stringify(usageEvent.chunk)}`)
    expect(frames.at(-1)).toBe('data: [DONE]')
  })

  it('ends a stream that broke after its first byte with an error event and no [DONE]', async () => {
    const { text, outcomes } = await run(events, true, 1)
    const frames = text.split('\n\n').filter(Boolean)
    expect(frames[0]).toBe(`data: ${JSON.stringify(chunk('Hel'))}`)
    expect(JSON.parse(frames[1]?.slice('data: '.length) ?? '{}')).toMatchObject({
      error: { message: 'boom', type: 'server_error' },
    })
    expect(text).not.toContain('[DONE]')
    expect(outcomes[0]?.error).toBeInstanceOf(UpstreamError)
  })
})

/** Lets every queued task and microtask run: no sleeps, no timers. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve))
}

describe('backpressure', () => {
  it('pulls from the upstream only as fast as the client reads', async () => {
    let pulled = 0
    async function* endless(): AsyncGenerator<ChatStreamEvent> {
      for (;;) {
        pulled += 1
        yield { kind: 'chunk', chunk: chunk('x') }
      }
    }
    const iterator = endless()
    const first = await iterator.next()
    const stream = chatEventStream(first, iterator, { includeUsage: false, abortUpstream: () => {}, onEnd: () => {} })
    await settle()
    const pulledWhileNobodyReads = pulled
    expect(pulledWhileNobodyReads).toBeLessThanOrEqual(3)
    const reader = stream.getReader()
    for (let index = 0; index < 10; index += 1) await reader.read()
    await settle()
    expect(pulled - pulledWhileNobodyReads).toBeGreaterThanOrEqual(9)
    expect(pulled - pulledWhileNobodyReads).toBeLessThanOrEqual(12)
    await reader.cancel()
  })
})
