import { describe, expect, it } from 'vitest'
import { decodeSse, type SseEvent } from './decode-sse.ts'

async function collect(chunks: string[]): Promise<SseEvent[]> {
  const encoder = new TextEncoder()
  async function* body() {
    for (const chunk of chunks) yield encoder.encode(chunk)
  }
  const events: SseEvent[] = []
  for await (const event of decodeSse(body())) events.push(event)
  return events
}

describe('decodeSse', () => {
  it('decodes data events and named events', async () => {
    expect(await collect(['data: {"a":1}\n\nevent: message_stop\ndata: {}\n\n'])).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: 'message_stop', data: '{}' },
    ])
  })

  it('handles every split point, CRLF and CR line endings', async () => {
    const stream = 'event: x\r\ndata: one\r\ndata: two\r\n\r\ndata: three\r\r: comment\ndata:four\n\n'
    const expected = [
      { event: 'x', data: 'one\ntwo' },
      { event: undefined, data: 'three' },
      { event: undefined, data: 'four' },
    ]
    for (let split = 0; split <= stream.length; split += 1) {
      expect(await collect([stream.slice(0, split), stream.slice(split)])).toEqual(expected)
    }
  })

  it('keeps multi-byte characters split across chunks intact', async () => {
    const bytes = new TextEncoder().encode('data: héllo → 世界\n\n')
    async function* body() {
      for (const byte of bytes) yield new Uint8Array([byte])
    }
    const events: SseEvent[] = []
    for await (const event of decodeSse(body())) events.push(event)
    expect(events).toEqual([{ event: undefined, data: 'héllo → 世界' }])
  })

  it('dispatches a last event that lacks its blank line', async () => {
    expect(await collect(['data: [DONE]'])).toEqual([{ event: undefined, data: '[DONE]' }])
  })
})
