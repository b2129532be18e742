import { EventStreamCodec } from '@smithy/eventstream-codec'
import { fromUtf8, toUtf8 } from '@smithy/util-utf8'
import { bedrockStopReason, bedrockUsage, type ConverseReplyInput, toolUseId } from './converse-response.ts'

const codec = new EventStreamCodec(toUtf8, fromUtf8)

export const eventStreamContentType = 'application/vnd.amazon.eventstream'

/** One `application/vnd.amazon.eventstream` message carrying a JSON event. */
function eventFrame(eventType: string, payload: object): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(JSON.stringify(payload)),
  })
}

/**
 * The ConverseStream events: `messageStart`; text as `contentBlockDelta`s (no block start, as
 * AWS sends it) or each tool use as `contentBlockStart` + input deltas; `contentBlockStop`;
 * `messageStop` with the stop reason; `metadata` with usage and latency.
 */
export function converseStreamFrames(input: ConverseReplyInput): Uint8Array[] {
  const { choice } = input
  const frames = [eventFrame('messageStart', { role: 'assistant' })]
  if (choice.toolCalls.length > 0) {
    choice.toolCalls.forEach((call, contentBlockIndex) => {
      const start = { toolUse: { toolUseId: toolUseId(call), name: call.name } }
      frames.push(eventFrame('contentBlockStart', { contentBlockIndex, start }))
      for (const piece of call.argumentPieces) {
        frames.push(eventFrame('contentBlockDelta', { contentBlockIndex, delta: { toolUse: { input: piece } } }))
      }
      frames.push(eventFrame('contentBlockStop', { contentBlockIndex }))
    })
  } else if (choice.textPieces.length > 0) {
    for (const piece of choice.textPieces) {
      frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: piece } }))
    }
    frames.push(eventFrame('contentBlockStop', { contentBlockIndex: 0 }))
  }
  frames.push(
    eventFrame('messageStop', { stopReason: bedrockStopReason(choice.finishReason) }),
    eventFrame('metadata', { usage: bedrockUsage(input.usage), metrics: { latencyMs: input.latencyMs } }),
  )
  return frames
}
