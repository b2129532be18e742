import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec'
import { fromUtf8, toUtf8 } from '@smithy/util-utf8'
import { z } from 'zod'

/**
 * One frame of a recorded ConverseStream transcript, as fixtures write it: an event with its
 * JSON payload, an exception (`:exception-type` and `{message}`), or an `error` frame.
 */
export const TranscriptFrame = z.union([
  z.strictObject({ event: z.string().min(1), payload: z.unknown() }),
  z.strictObject({ exception: z.string().min(1), payload: z.unknown() }),
  z.strictObject({ errorCode: z.string().min(1), errorMessage: z.string() }),
])
export type TranscriptFrame = z.infer<typeof TranscriptFrame>

const text = (value: string) => ({ type: 'string', value }) as const

/**
 * Test support: encodes a transcript to the binary `application/vnd.amazon.eventstream` body
 * Bedrock sends, with smithy's encoder, headers as AWS documents them.
 */
export function encodeEventStream(frames: readonly TranscriptFrame[]): Uint8Array {
  const codec = new EventStreamCodec(toUtf8, fromUtf8)
  const encoded = frames.map((frame) => {
    if ('errorCode' in frame) {
      const headers: MessageHeaders = {
        ':message-type': text('error'),
        ':error-code': text(frame.errorCode),
        ':error-message': text(frame.errorMessage),
      }
      return codec.encode({ headers, body: new Uint8Array(0) })
    }
    const headers: MessageHeaders =
      'event' in frame
        ? {
            ':event-type': text(frame.event),
            ':content-type': text('application/json'),
            ':message-type': text('event'),
          }
        : {
            ':exception-type': text(frame.exception),
            ':content-type': text('application/json'),
            ':message-type': text('exception'),
          }
    return codec.encode({ headers, body: fromUtf8(JSON.stringify(frame.payload)) })
  })
  const joined = new Uint8Array(encoded.reduce((total, frame) => total + frame.length, 0))
  let offset = 0
  for (const frame of encoded) {
    joined.set(frame, offset)
    offset += frame.length
  }
  return joined
}
