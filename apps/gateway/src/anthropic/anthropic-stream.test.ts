import { type AnthropicStreamEvent, AnthropicStreamEvent as AnthropicStreamEventSchema } from '@switchyard/contracts'
import { UpstreamError } from '@switchyard/providers'
import { describe, expect, it } from 'vitest'
import type { StreamOutcome } from '../sse/chat-event-stream.ts'
import { anthropicEventStream } from './anthropic-event-stream.ts'
import { AnthropicStreamTranslator } from './anthropic-stream-translator.ts'
import { answerCompletion, answerStream, answerUsage, chunk, streamOf } from './canonical-fixtures.ts'
import { type MessageContext, toAnthropicMessage } from './to-anthropic-message.ts'

const context: MessageContext = { messageId: 'msg_1', model: 'claude-sonnet', stopSequences: [] }

function translateAll(events = answerStream): AnthropicStreamEvent[] {
  const translator = new AnthropicStreamTranslator(context)
  return [...translator.start(), ...events.flatMap((event) => translator.push(event)), ...translator.finish()]
}

/** What a client accumulates from the events, as the SDK does. */
function accumulate(events: readonly AnthropicStreamEvent[]) {
  const blocks: Array<{ type: string; text?: string; id?: string; name?: string; json?: string }> = []
  for (const event of events) {
    if (event.type === 'content_block_start') blocks[event.index] = { ...event.content_block, json: '' }
    if (event.type === 'content_block_delta') {
      const block = blocks[event.index]
      if (!block) throw new Error(`delta for unstarted block ${event.index}`)
      if (event.delta.type === 'text_delta') block.text = `${block.text ?? ''}${event.delta.text}`
      else block.json = `${block.json ?? ''}${event.delta.partial_json}`
    }
  }
  return blocks.map(({ json, ...block }) =>
    block.type === 'tool_use'
      ? { type: 'tool_use', id: block.id, name: block.name, input: JSON.parse(json || '{}') }
      : block,
  )
}

describe('canonical chunks → Anthropic stream events', () => {
  it('emits the exact event sequence, one block at a time', () => {
    const events = translateAll()
    const outline = events.map((event) => ('index' in event ? `${event.type}#${event.index}` : event.type))
    expect(outline).toEqual([
      'message_start',
      'ping',
      'content_block_start#0',
      'content_block_delta#0',
      'content_block_delta#0',
      'content_block_stop#0',
      'content_block_start#1',
      'content_block_delta#1',
      'content_block_delta#1',
      'content_block_stop#1',
      'content_block_start#2',
      'content_block_delta#2',
      'content_block_delta#2',
      'content_block_stop#2',
      'message_delta',
      'message_stop',
    ])
    for (const event of events) expect(AnthropicStreamEventSchema.safeParse(event).success).toBe(true)
    expect(events[0]).toEqual({
      type: 'message_start',
      message: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    })
    expect(events[6]).toEqual({
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'call_a', name: 'weather', input: {} },
    })
    expect(events[7]).toEqual({
      type: 'content_block_delta',
      index: 1,
      delta: { type: 'input_json_delta', partial_json: '{"city":' },
    })
    expect(events.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 300, output_tokens: 42, cache_read_input_tokens: 600, cache_creation_input_tokens: 100 },
    })
  })

  it('streams the same content the non-streamed message has', () => {
    const message = toAnthropicMessage({ completion: answerCompletion, usage: answerUsage }, context)
    expect(accumulate(translateAll())).toEqual(message.content)
  })

  it('ends an empty answer cleanly and says end_turn', () => {
    const events = translateAll([{ kind: 'chunk', chunk: chunk({ role: 'assistant' }, 'stop') }])
    expect(events.map((event) => event.type)).toEqual(['message_start', 'ping', 'message_delta', 'message_stop'])
    expect(events[2]).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 0 } })
  })
})

describe('the Anthropic SSE body', () => {
  async function read(stream: ReadableStream<Uint8Array>): Promise<string> {
    let text = ''
    const decoder = new TextDecoder()
    for await (const bytes of stream) text += decoder.decode(bytes, { stream: true })
    return text
  }

  async function bodyOf(failure?: Error) {
    const outcomes: StreamOutcome[] = []
    const events = streamOf(answerStream, failure)
    const first = await events.next()
    const translator = new AnthropicStreamTranslator(context)
    const stream = anthropicEventStream(first, events, translator, {
      requestId: 'req_1',
      abortUpstream: () => {},
      onEnd: (outcome) => outcomes.push(outcome),
    })
    return { stream, outcomes }
  }

  it('frames each event as `event: <type>` and `data: <json>`, and reports the usage at the end', async () => {
    const { stream, outcomes } = await bodyOf()
    const text = await read(stream)
    const frames = text.split('\n\n').filter((frame) => frame !== '')
    expect(frames).toHaveLength(16)
    for (const frame of frames) {
      const [eventLine, dataLine, ...rest] = frame.split('\n')
      expect(rest).toEqual([])
      const data = JSON.parse(dataLine?.replace(/^data: /, '') ?? '') as { type: string }
      expect(eventLine).toBe(`event: ${data.type}`)
    }
    expect(frames.at(-1)).toBe('event: message_stop\ndata: {"type":"message_stop"}')
    expect(outcomes).toEqual([{ usage: answerUsage, error: null, isClientGone: false }])
  })

  it('ends a stream that breaks midway with an error event and no message_stop', async () => {
    const failure = new UpstreamError({
      errorClass: 'overloaded',
      status: 529,
      upstreamStatus: 529,
      message: 'The provider is overloaded.',
      type: 'server_error',
    })
    const { stream, outcomes } = await bodyOf(failure)
    const frames = (await read(stream)).split('\n\n').filter((frame) => frame !== '')
    expect(frames.at(-1)).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"The provider is overloaded."},"request_id":"req_1"}',
    )
    expect(frames.some((frame) => frame.startsWith('event: message_stop'))).toBe(false)
    expect(outcomes).toMatchObject([{ error: failure, isClientGone: false }])
  })
})
