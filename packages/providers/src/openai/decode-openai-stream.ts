import type { ChatCompletionChunk, ChatUsage } from '@switchyard/contracts'
import { malformedResponseError, streamEndedEarlyError } from '../adapter-errors.ts'
import { NO_USAGE, toChatUsage } from '../chat-usage.ts'
import { readJsonSafely } from '../classify-upstream-error.ts'
import type { ChatStreamEvent } from '../provider-adapter.ts'
import { decodeSse } from '../sse/decode-sse.ts'
import { openAIStreamError } from './openai-error.ts'
import { usageFromOpenAI } from './openai-usage.ts'
import { OpenAIChatChunk, type OpenAIToolCallDelta } from './openai-wire.ts'
import { toFinishReason } from './parse-openai-response.ts'

type WireChoice = OpenAIChatChunk['choices'][number]
type Delta = ChatCompletionChunk['choices'][number]['delta']

function toolCallDelta({ index, id, type, function: fn }: OpenAIToolCallDelta, position: number) {
  const name = fn?.name ?? undefined
  const args = fn?.arguments ?? undefined
  return {
    index: index ?? position, // servers that send whole calls at once may omit it
    ...(id ? { id } : {}),
    ...(type ? { type } : {}),
    ...(fn
      ? { function: { ...(name === undefined ? {} : { name }), ...(args === undefined ? {} : { arguments: args }) } }
      : {}),
  }
}

function toCanonicalDelta(wire: NonNullable<WireChoice['delta']>): Delta {
  const { role, content, refusal, tool_calls: toolCalls, ...rest } = wire
  return {
    ...rest,
    ...(role === 'assistant' ? { role } : {}),
    ...(content === undefined ? {} : { content }),
    ...(refusal === undefined ? {} : { refusal }),
    ...(toolCalls ? { tool_calls: toolCalls.map(toolCallDelta) } : {}),
  }
}

function toCanonicalChunk(wire: OpenAIChatChunk): ChatCompletionChunk {
  const { usage: _usage, choices, ...rest } = wire
  return {
    ...rest,
    object: 'chat.completion.chunk',
    choices: choices.map(({ delta, finish_reason: finishReason, logprobs, ...choice }) => ({
      ...choice,
      delta: toCanonicalDelta(delta ?? {}),
      finish_reason: finishReason === null || finishReason === undefined ? null : toFinishReason(finishReason),
      logprobs: logprobs ?? null,
    })),
  }
}

function parseChunk(data: string, now: (() => number) | undefined): OpenAIChatChunk {
  const json = readJsonSafely(data)
  if (typeof json === 'object' && json !== null && 'error' in json && !('choices' in json)) {
    throw openAIStreamError(data, now)
  }
  const parsed = OpenAIChatChunk.safeParse(json)
  if (!parsed.success) throw malformedResponseError('a stream event is not a chat completion chunk', parsed.error)
  return parsed.data
}

/**
 * An OpenAI-dialect SSE stream → canonical events. Chunks pass through (usage removed); empty
 * housekeeping chunks (Azure's prompt filter results) are dropped; the usage, whichever chunk
 * carried it, comes last as the `usage` event. A stream that ends before `[DONE]` and before any
 * finish reason was cut short.
 */
export async function* decodeOpenAIChatStream(
  body: AsyncIterable<Uint8Array>,
  now?: () => number,
): AsyncGenerator<ChatStreamEvent> {
  let usage: ChatUsage | null = null
  let usageChunk: OpenAIChatChunk | null = null
  let lastChunk: OpenAIChatChunk | null = null
  let isComplete = false
  for await (const event of decodeSse(body)) {
    if (event.data === '[DONE]') {
      isComplete = true
      break
    }
    const chunk = parseChunk(event.data, now)
    if (chunk.usage) {
      usage = chunk.usage
      usageChunk = chunk
    }
    if (chunk.choices.length === 0) continue
    lastChunk = chunk
    if (chunk.choices.some((choice) => choice.finish_reason)) isComplete = true
    yield { kind: 'chunk', chunk: toCanonicalChunk(chunk) }
  }
  if (!isComplete) throw streamEndedEarlyError()
  const identity = usageChunk ?? lastChunk
  if (identity === null) throw malformedResponseError('the stream held no chunks')
  const { id, created, model, system_fingerprint: fingerprint } = identity
  const chatUsage = usage ?? toChatUsage(NO_USAGE)
  const chunk: ChatCompletionChunk = {
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [],
    usage: chatUsage,
    ...(fingerprint ? { system_fingerprint: fingerprint } : {}),
  }
  yield { kind: 'usage', usage: usageFromOpenAI(chatUsage), chunk }
}
