import { EventStreamCodec, type Message } from '@smithy/eventstream-codec'
import { fromUtf8, toUtf8 } from '@smithy/util-utf8'
import { malformedResponseError } from '../adapter-errors.ts'

/** Prelude (total length, headers length, prelude CRC) and message CRC: the smallest frame. */
const MIN_FRAME_BYTES = 16
/** AWS caps an event-stream message at 16 MiB; a bigger length is a broken or hostile upstream. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024

/**
 * `application/vnd.amazon.eventstream` bytes → messages, whatever the chunking: a frame split
 * across chunks waits for its remaining bytes, read off the 4-byte total-length prelude; a frame
 * claiming more than AWS's 16 MiB cap is refused before it is buffered; the codec checks both
 * CRCs of each frame.
 */
export async function* decodeEventStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<Message> {
  const codec = new EventStreamCodec(toUtf8, fromUtf8)
  let buffer: Uint8Array = new Uint8Array(0)
  for await (const chunk of body) {
    buffer = buffer.length === 0 ? chunk : concat(buffer, chunk)
    for (;;) {
      if (buffer.length < 4) break
      const frameBytes = new DataView(buffer.buffer, buffer.byteOffset, 4).getUint32(0)
      if (frameBytes < MIN_FRAME_BYTES || frameBytes > MAX_FRAME_BYTES) {
        throw malformedResponseError(`an event-stream frame claims ${frameBytes} bytes`)
      }
      if (buffer.length < frameBytes) break
      yield decodeFrame(codec, buffer.subarray(0, frameBytes))
      buffer = buffer.subarray(frameBytes)
    }
  }
  if (buffer.length > 0) throw malformedResponseError('the event stream ended inside a frame')
}

function decodeFrame(codec: EventStreamCodec, frame: Uint8Array): Message {
  try {
    return codec.decode(frame)
  } catch (error) {
    throw malformedResponseError('an event-stream frame is corrupt', error)
  }
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const joined = new Uint8Array(head.length + tail.length)
  joined.set(head)
  joined.set(tail, head.length)
  return joined
}

/** A string header's value (`:message-type`, `:event-type`, `:exception-type`…), if the frame has it. */
export function stringHeader(message: Message, name: string): string | undefined {
  const header = message.headers[name]
  return header?.type === 'string' ? header.value : undefined
}
