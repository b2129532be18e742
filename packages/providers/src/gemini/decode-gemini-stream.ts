import type { ChatCompletionChunk } from '@switchyard/contracts'
import { malformedResponseError, streamEndedEarlyError } from '../adapter-errors.ts'
import { type ChunkIdentity, chatChunks, completionId } from '../chat-chunks.ts'
import { readJsonSafely } from '../classify-upstream-error.ts'
import type { CallContext, ChatStreamEvent } from '../provider-adapter.ts'
import { decodeSse } from '../sse/decode-sse.ts'
import { geminiStreamError, isGeminiErrorEvent } from './gemini-errors.ts'
import {
  readGeminiResponse,
  textOfParts,
  toChatToolCall,
  toFinishReason,
  toolCallId,
  toTokenUsage,
} from './gemini-response.ts'
import type { GeminiCandidate, GeminiUsageMetadata } from './gemini-wire.ts'

type Choice = ChatCompletionChunk['choices'][number]
type ChoiceDraft = Pick<Choice, 'index' | 'delta' | 'finish_reason'>

interface CandidateState {
  toolCallCount: number
  isFinished: boolean
}

/**
 * `streamGenerateContent?alt=sse` → canonical events. Each SSE event is a whole
 * GenerateContentResponse holding only the new parts; function calls arrive complete, so each
 * becomes one complete tool-call delta. Usage comes from the last `usageMetadata` seen, after
 * every finish chunk. An `{error}` event mid-stream throws an `UpstreamError`.
 */
export async function* decodeGeminiStream(
  body: AsyncIterable<Uint8Array>,
  context: CallContext<'gemini'>,
  now: () => number,
): AsyncGenerator<ChatStreamEvent> {
  const id = completionId(context.requestId)
  const created = Math.floor(now() / 1000)
  let identity: ChunkIdentity | undefined
  let usageMetadata: GeminiUsageMetadata | undefined
  const candidates = new Map<number, CandidateState>()

  for await (const event of decodeSse(body)) {
    const response = readGeminiResponse(parseEvent(event.data, now))
    identity ??= { id, created, model: response.modelVersion ?? context.upstreamModel }
    if (response.usageMetadata !== undefined) usageMetadata = response.usageMetadata
    for (const [position, candidate] of (response.candidates ?? []).entries()) {
      const index = candidate.index ?? position
      let state = candidates.get(index)
      if (state === undefined) {
        state = { toolCallCount: 0, isFinished: false }
        candidates.set(index, state)
        yield chunkOf(identity, { index, delta: { role: 'assistant', content: '' }, finish_reason: null })
      }
      for (const choice of toChoices(candidate, index, state, context.requestId)) yield chunkOf(identity, choice)
    }
  }

  if (identity === undefined || candidates.size === 0) throw streamEndedEarlyError()
  if ([...candidates.values()].some((state) => !state.isFinished)) throw streamEndedEarlyError()
  yield chatChunks.usage(identity, toTokenUsage(usageMetadata))
}

/** One choice per chunk; `chatChunks` speaks for choice 0 only, and Gemini may stream several (`n`). */
function chunkOf(identity: ChunkIdentity, choice: ChoiceDraft): ChatStreamEvent {
  const { id, created, model } = identity
  return {
    kind: 'chunk',
    chunk: { id, object: 'chat.completion.chunk', created, model, choices: [{ ...choice, logprobs: null }] },
  }
}

function parseEvent(data: string, now: () => number): unknown {
  const json = readJsonSafely(data)
  if (json === undefined) throw malformedResponseError('a stream event is not JSON')
  if (isGeminiErrorEvent(json)) throw geminiStreamError(data, now)
  return json
}

function toChoices(candidate: GeminiCandidate, index: number, state: CandidateState, requestId: string): ChoiceDraft[] {
  const choices: ChoiceDraft[] = []
  const parts = candidate.content?.parts ?? []
  const text = textOfParts(parts)
  if (text !== '') choices.push({ index, delta: { content: text }, finish_reason: null })
  const toolCalls = []
  for (const part of parts) {
    const call = toChatToolCall(part, toolCallId(requestId, index, state.toolCallCount))
    if (call === undefined) continue
    toolCalls.push({ index: state.toolCallCount, ...call })
    state.toolCallCount += 1
  }
  if (toolCalls.length > 0) choices.push({ index, delta: { tool_calls: toolCalls }, finish_reason: null })
  if (candidate.finishReason !== undefined && !state.isFinished) {
    choices.push({ index, delta: {}, finish_reason: toFinishReason(candidate.finishReason, state.toolCallCount > 0) })
    state.isFinished = true
  }
  return choices
}
