import type { AnthropicStreamEvent } from '@switchyard/contracts'
import type { ChatStreamEvent } from '@switchyard/providers'
import type { StreamOutcome } from '../sse/chat-event-stream.ts'
import { toAnthropicError } from './anthropic-errors.ts'
import type { AnthropicStreamTranslator } from './anthropic-stream-translator.ts'

const encoder = new TextEncoder()

export interface AnthropicEventStreamOptions {
  readonly onEnd: (outcome: StreamOutcome) => void
  /** Cancels the upstream request when the client goes away. */
  readonly abortUpstream: () => void
  readonly requestId: string
}

/**
 * Canonical events → Anthropic's SSE body (`event: <type>` + `data: <json>`). Pull-based like
 * the OpenAI writer: the next upstream event is read only when the client wants more. A failure
 * after the first byte ends the stream with an `error` event and no `message_stop`, so no client
 * mistakes a broken answer for a finished one.
 */
export function anthropicEventStream(
  first: IteratorResult<ChatStreamEvent>,
  events: AsyncIterator<ChatStreamEvent>,
  translator: AnthropicStreamTranslator,
  options: AnthropicEventStreamOptions,
): ReadableStream<Uint8Array> {
  let pending: IteratorResult<ChatStreamEvent> | undefined = first
  let isStarted = false
  let isEnded = false
  const end = (outcome: Omit<StreamOutcome, 'usage'>) => {
    if (isEnded) return
    isEnded = true
    options.onEnd({ usage: translator.usage, ...outcome })
  }
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const out = isStarted ? [] : translator.start()
          isStarted = true
          // A canonical event may translate to nothing (a role-only chunk, the usage event). A
          // pull that enqueues nothing is not called again, so read on until there is output.
          while (out.length === 0) {
            const result = pending ?? (await events.next())
            pending = undefined
            if (result.done) {
              controller.enqueue(sseEvents(translator.finish()))
              controller.close()
              end({ error: null, isClientGone: false })
              return
            }
            out.push(...translator.push(result.value))
          }
          controller.enqueue(sseEvents(out))
        } catch (error) {
          const { body } = toAnthropicError(error, options.requestId)
          controller.enqueue(sseEvents([body]))
          controller.close()
          end({ error, isClientGone: false })
        }
      },
      async cancel() {
        options.abortUpstream()
        await events.return?.()
        end({ error: null, isClientGone: true })
      },
    },
    { highWaterMark: 1 },
  )
}

/** `event: <type>\ndata: <json>\n\n` per event, as one write. */
export function sseEvents(events: readonly AnthropicStreamEvent[]): Uint8Array {
  let text = ''
  for (const event of events) text += `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
  return encoder.encode(text)
}
