import type { Message } from '@smithy/eventstream-codec'
import type { TokenUsage } from '@switchyard/contracts'
import type { z } from 'zod'
import { malformedResponseError, streamEndedEarlyError } from '../adapter-errors.ts'
import { type ChunkIdentity, chatChunks, completionId } from '../chat-chunks.ts'
import type { CallContext, ChatStreamEvent } from '../provider-adapter.ts'
import { bedrockStreamException } from './bedrock-errors.ts'
import { toFinishReason, toTokenUsage } from './bedrock-response.ts'
import { ConverseStreamEvents } from './bedrock-wire.ts'
import { decodeEventStream, stringHeader } from './decode-event-stream.ts'

/**
 * ConverseStream (binary event stream) → canonical events. Text deltas become content deltas; a
 * tool use becomes a tool call whose id and name come with its block start and whose arguments
 * follow in pieces. An exception frame throws an `UpstreamError`; usage comes from the
 * `metadata` event, which Bedrock sends after `messageStop`, so a stream without it was cut short.
 */
export async function* decodeBedrockStream(
  body: AsyncIterable<Uint8Array>,
  context: CallContext<'bedrock'>,
  now: () => number,
): AsyncGenerator<ChatStreamEvent> {
  const identity: ChunkIdentity = {
    id: completionId(context.requestId),
    model: context.upstreamModel,
    created: Math.floor(now() / 1000),
  }
  /** Converse numbers content blocks; OpenAI numbers tool calls. */
  const toolIndexOfBlock = new Map<number, number>()
  let hasStarted = false
  let hasStopped = false
  let usage: TokenUsage | undefined

  for await (const message of decodeEventStream(body)) {
    const event = readEvent(message)
    if (event === undefined) continue
    if (!hasStarted) {
      hasStarted = true
      yield chatChunks.role(identity)
    }
    switch (event.type) {
      case 'contentBlockStart': {
        const { contentBlockIndex, start } = parse(ConverseStreamEvents.contentBlockStart, event)
        if (start.toolUse === undefined) break
        const index = toolIndexOfBlock.size
        toolIndexOfBlock.set(contentBlockIndex, index)
        yield chatChunks.toolCallStart(identity, index, start.toolUse.toolUseId, start.toolUse.name)
        break
      }
      case 'contentBlockDelta': {
        const { contentBlockIndex, delta } = parse(ConverseStreamEvents.contentBlockDelta, event)
        // Reasoning deltas are not part of the answer.
        if (delta.text !== undefined && delta.text !== '') yield chatChunks.content(identity, delta.text)
        const index = toolIndexOfBlock.get(contentBlockIndex)
        if (delta.toolUse !== undefined && index !== undefined) {
          yield chatChunks.toolCallArguments(identity, index, delta.toolUse.input)
        }
        break
      }
      case 'messageStop':
        hasStopped = true
        yield chatChunks.finish(identity, toFinishReason(parse(ConverseStreamEvents.messageStop, event).stopReason))
        break
      case 'metadata':
        usage = toTokenUsage(parse(ConverseStreamEvents.metadata, event).usage)
        break
      default:
        break
    }
  }

  if (!hasStopped || usage === undefined) throw streamEndedEarlyError()
  yield chatChunks.usage(identity, usage)
}

type EventType = keyof typeof ConverseStreamEvents
const isEventType = (name: string): name is EventType => Object.hasOwn(ConverseStreamEvents, name)

/** An event frame → its type and JSON payload; an exception frame throws; frames of other kinds are skipped. */
function readEvent(message: Message): { type: EventType; payload: unknown } | undefined {
  const messageType = stringHeader(message, ':message-type')
  if (messageType === 'exception') {
    throw bedrockStreamException(stringHeader(message, ':exception-type'), decodeText(message.body))
  }
  if (messageType === 'error') {
    const bodyText = JSON.stringify({ message: stringHeader(message, ':error-message') ?? '' })
    throw bedrockStreamException(stringHeader(message, ':error-code'), bodyText)
  }
  const eventType = stringHeader(message, ':event-type')
  // Event types we do not know yet are skipped: AWS adds them compatibly.
  if (messageType !== 'event' || eventType === undefined || !isEventType(eventType)) return undefined
  try {
    return { type: eventType, payload: JSON.parse(decodeText(message.body)) }
  } catch (error) {
    throw malformedResponseError(`the ${eventType} event is not JSON`, error)
  }
}

function parse<S extends z.ZodType>(schema: S, event: { type: EventType; payload: unknown }): z.output<S> {
  const parsed = schema.safeParse(event.payload)
  if (!parsed.success) throw malformedResponseError(`unexpected ${event.type} event`, parsed.error)
  return parsed.data
}

const utf8 = new TextDecoder('utf-8')
const decodeText = (bytes: Uint8Array): string => utf8.decode(bytes)
