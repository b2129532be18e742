import { malformedResponseError, streamEndedEarlyError } from '../adapter-errors.ts'
import { type ChunkIdentity, chatChunks, completionId } from '../chat-chunks.ts'
import { readJsonSafely } from '../classify-upstream-error.ts'
import type { CallContext, ChatStreamEvent } from '../provider-adapter.ts'
import { decodeSse } from '../sse/decode-sse.ts'
import { anthropicStreamError } from './anthropic-error.ts'
import { finishReasonOf } from './anthropic-finish-reason.ts'
import { JSON_RESPONSE_TOOL_NAME } from './anthropic-request.ts'
import { usageFromAnthropic } from './anthropic-usage.ts'
import { AnthropicStreamEvent, type AnthropicUsage } from './anthropic-wire.ts'

/** What each content block index turned into. */
type BlockRole = { kind: 'text' } | { kind: 'tool'; toolIndex: number } | { kind: 'json' } | { kind: 'skipped' }

interface StreamState {
  identity: ChunkIdentity | null
  usage: AnthropicUsage
  readonly blocks: Map<number, BlockRole>
  toolCount: number
  stopReason: string | null
  isJsonResponse: boolean
  isStopped: boolean
}

const KNOWN_EVENTS = new Set<string>(AnthropicStreamEvent.options.map((option) => option.shape.type.value))

function parseEvent(data: string): AnthropicStreamEvent | null {
  const json = readJsonSafely(data)
  const parsed = AnthropicStreamEvent.safeParse(json)
  if (parsed.success) return parsed.data
  const type = typeof json === 'object' && json !== null && 'type' in json ? json.type : undefined
  if (typeof type === 'string' && !KNOWN_EVENTS.has(type)) return null // ping, content_block_stop, new kinds
  throw malformedResponseError('a stream event is not a Messages API event', parsed.error)
}

interface UsageUpdate {
  readonly input_tokens?: number | undefined
  readonly output_tokens?: number | undefined
  readonly cache_creation_input_tokens?: number | null | undefined
  readonly cache_read_input_tokens?: number | null | undefined
}

/** `message_delta` usage is cumulative; newer API versions repeat the input counts there too. */
function mergeUsage(usage: AnthropicUsage, update: UsageUpdate | null | undefined): AnthropicUsage {
  return {
    input_tokens: update?.input_tokens ?? usage.input_tokens,
    output_tokens: update?.output_tokens ?? usage.output_tokens,
    cache_creation_input_tokens: update?.cache_creation_input_tokens ?? usage.cache_creation_input_tokens,
    cache_read_input_tokens: update?.cache_read_input_tokens ?? usage.cache_read_input_tokens,
  }
}

function* onBlockStart(
  state: StreamState,
  identity: ChunkIdentity,
  event: Extract<AnthropicStreamEvent, { type: 'content_block_start' }>,
) {
  const block = event.content_block
  if (block.type === 'text' && block.text !== undefined) {
    state.blocks.set(event.index, { kind: 'text' })
    if (block.text !== '') yield chatChunks.content(identity, block.text)
  } else if (block.type === 'tool_use' && block.name === JSON_RESPONSE_TOOL_NAME) {
    state.blocks.set(event.index, { kind: 'json' })
    state.isJsonResponse = true
  } else if (block.type === 'tool_use' && block.id !== undefined && block.name !== undefined) {
    const toolIndex = state.toolCount
    state.toolCount += 1
    state.blocks.set(event.index, { kind: 'tool', toolIndex })
    yield chatChunks.toolCallStart(identity, toolIndex, block.id, block.name)
  } else state.blocks.set(event.index, { kind: 'skipped' })
}

function* onBlockDelta(
  state: StreamState,
  identity: ChunkIdentity,
  event: Extract<AnthropicStreamEvent, { type: 'content_block_delta' }>,
) {
  const role = state.blocks.get(event.index)
  const { delta } = event
  if (delta.type === 'text_delta' && delta.text && role?.kind === 'text') {
    yield chatChunks.content(identity, delta.text)
  } else if (delta.type === 'input_json_delta' && delta.partial_json) {
    if (role?.kind === 'tool') yield chatChunks.toolCallArguments(identity, role.toolIndex, delta.partial_json)
    else if (role?.kind === 'json') yield chatChunks.content(identity, delta.partial_json)
  }
}

function* onEvent(
  state: StreamState,
  event: AnthropicStreamEvent,
  data: string,
  context: CallContext<'anthropic'>,
  now: () => number,
): Generator<ChatStreamEvent> {
  if (event.type === 'error') throw anthropicStreamError(event.error.type, data, now)
  if (event.type === 'message_start') {
    state.identity = {
      id: completionId(context.requestId),
      model: event.message.model,
      created: Math.floor(now() / 1000),
    }
    state.usage = mergeUsage(state.usage, event.message.usage)
    yield chatChunks.role(state.identity)
    return
  }
  const { identity } = state
  if (identity === null) throw malformedResponseError(`${event.type} before message_start`)
  if (event.type === 'content_block_start') yield* onBlockStart(state, identity, event)
  else if (event.type === 'content_block_delta') yield* onBlockDelta(state, identity, event)
  else if (event.type === 'message_delta') {
    state.stopReason = event.delta.stop_reason ?? state.stopReason
    state.usage = mergeUsage(state.usage, event.usage)
  } else if (event.type === 'message_stop') {
    yield chatChunks.finish(identity, finishReasonOf(state.stopReason, state.isJsonResponse))
    yield chatChunks.usage(identity, usageFromAnthropic(state.usage))
    state.isStopped = true
  }
}

/**
 * A Messages API event stream → canonical chunks: the role on `message_start`, text and tool-call
 * pieces as they come (tool calls numbered in order of appearance), the finish reason and then the
 * usage on `message_stop`. An `error` event throws; a stream that ends before `message_stop` was
 * cut short.
 */
export async function* decodeAnthropicStream(
  body: AsyncIterable<Uint8Array>,
  context: CallContext<'anthropic'>,
  now: () => number,
): AsyncGenerator<ChatStreamEvent> {
  const state: StreamState = {
    identity: null,
    usage: { input_tokens: 0, output_tokens: 0 },
    blocks: new Map(),
    toolCount: 0,
    stopReason: null,
    isJsonResponse: false,
    isStopped: false,
  }
  for await (const sse of decodeSse(body)) {
    const event = parseEvent(sse.data)
    if (event !== null) yield* onEvent(state, event, sse.data, context, now)
    if (state.isStopped) return
  }
  throw streamEndedEarlyError()
}
