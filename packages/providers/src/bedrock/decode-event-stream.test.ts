import { describe, expect, it } from 'vitest'
import { decodeEventStream, stringHeader } from './decode-event-stream.ts'
import { encodeEventStream, type TranscriptFrame } from './event-stream-transcript.ts'

const frames: TranscriptFrame[] = [
  { event: 'messageStart', payload: { role: 'assistant', p: 'abcdefgh' } },
  { event: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text: 'héllo → 世界' } } },
  { exception: 'throttlingException', payload: { message: 'slow down' } },
]
const bytes = encodeEventStream(frames)

async function collect(pieces: Iterable<Uint8Array>) {
  async function* body() {
    yield* pieces
  }
  const out: { type: string | undefined; body: string }[] = []
  for await (const message of decodeEventStream(body())) {
    const type = stringHeader(message, ':event-type') ?? stringHeader(message, ':exception-type')
    out.push({ type, body: new TextDecoder().decode(message.body) })
  }
  return out
}

const expected = frames.map((frame) => ({
  type: 'event' in frame ? frame.event : 'exception' in frame ? frame.exception : undefined,
  body: JSON.stringify('payload' in frame ? frame.payload : null),
}))

/** Deterministic pseudo-random piece sizes (1–40 bytes), so a failure can be replayed. */
function* randomPieces(data: Uint8Array, seed: number): Generator<Uint8Array> {
  let state = seed
  for (let start = 0; start < data.length; ) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    const size = 1 + (state % 40)
    yield data.slice(start, start + size)
    start += size
  }
}

describe('decodeEventStream', () => {
  it('decodes frames split at every byte position', async () => {
    for (let split = 0; split <= bytes.length; split += 1) {
      expect(await collect([bytes.slice(0, split), bytes.slice(split)])).toEqual(expected)
    }
  })

  it('decodes random-sized pieces and single bytes', async () => {
    for (let seed = 1; seed <= 25; seed += 1) expect(await collect(randomPieces(bytes, seed))).toEqual(expected)
    expect(await collect([...bytes].map((byte) => new Uint8Array([byte])))).toEqual(expected)
  })

  it('refuses a corrupt frame (CRC mismatch)', async () => {
    const corrupt = bytes.slice()
    corrupt[30] = (corrupt[30] ?? 0) ^ 0xff
    await expect(collect([corrupt])).rejects.toMatchObject({ status: 502, code: 'upstream_malformed_response' })
  })

  it('refuses a frame claiming more than 16 MiB before buffering it', async () => {
    const prelude = new Uint8Array([0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0])
    async function* endless() {
      yield prelude
      throw new Error('the decoder should not have asked for more bytes')
    }
    const reading = (async () => {
      for await (const _ of decodeEventStream(endless())) break
    })()
    await expect(reading).rejects.toMatchObject({ status: 502, message: expect.stringContaining('16777217 bytes') })
  })

  it('refuses a stream that ends inside a frame', async () => {
    await expect(collect([bytes.slice(0, bytes.length - 3)])).rejects.toMatchObject({ status: 502 })
  })
})
