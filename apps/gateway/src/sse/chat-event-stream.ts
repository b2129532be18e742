import type { ChatCompletionChunk, TokenUsage } from '@switchyard/contracts'
import { toErrorResponse } from '@switchyard/http-server'
import type { ChatStreamEvent } from '@switchyard/providers'
import { asClientError } from '../gateway-errors.ts'

const encoder = new TextEncoder()
const DONE = encoder.encode('data: [DONE]\n\n')

export interface StreamOutcome {
  readonly usage: TokenUsage | null
  /** Set when the stream broke after its first byte; the client got an error event, no [DONE]. */
  readonly error: unknown
  readonly isClientGone: boolean
}

export interface ChatEventStreamOptions {
  /** The client asked for `stream_options.include_usage`. */
  readonly includeUsage: boolean
  readonly onEnd: (outcome: StreamOutcome) => void
  /** Cancels the upstream request when the client goes away. */
  readonly abortUpstream: () => void
}

/**
 * Canonical events → an SSE body. Pull-based: the next upstream event is read only when the
 * client's socket wants more, so a slow reader holds back the upstream instead of filling our
 * memory. A failure after the first byte ends the stream with an error event and no `[DONE]`,
 * so no client mistakes a broken answer for a finished one.
 */
export function chatEventStream(
  first: IteratorResult<ChatStreamEvent>,
  events: AsyncIterator<ChatStreamEvent>,
  options: ChatEventStreamOptions,
): ReadableStream<Uint8Array> {
  let pending: IteratorResult<ChatStreamEvent> | undefined = first
  let usage: TokenUsage | null = null
  let isEnded = false
  const end = (outcome: Omit<StreamOutcome, 'usage'>) => {
    if (isEnded) return
    isEnded = true
    options.onEnd({ usage, ...outcome })
  }
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          // A pull that enqueues nothing is never followed by another: read on until there is
          // something to send (a skipped usage event sends nothing) or the stream ends.
          for (;;) {
            const result = pending ?? (await events.next())
            pending = undefined
            if (result.done) {
              controller.enqueue(DONE)
              controller.close()
              end({ error: null, isClientGone: false })
              return
            }
            const event = result.value
            if (event.kind === 'usage') {
              usage = event.usage
              if (!options.includeUsage) continue
            }
            controller.enqueue(sseData(event.chunk))
            return
          }
        } catch (error) {
          const { body } = toErrorResponse(asClientError(error))
          controller.enqueue(encoder.encode(`data: ${JSON.stringify(body)}\n\n`))
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

function sseData(chunk: ChatCompletionChunk): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`)
}
