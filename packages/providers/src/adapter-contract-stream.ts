import { ChatCompletion, ChatCompletionChunk, type ProviderType } from '@switchyard/contracts'
import { expect } from 'vitest'
import type { CallContext, ChatStreamEvent, ProviderAdapter } from './provider-adapter.ts'

/** Stream feeding and checking for the adapter contract suite (`adapter-contract.ts`). */

/** Splits bytes into pieces of 1–17 bytes from a seeded generator; seed 0 = whole, -1 = byte by byte. */
export function* pieces(bytes: Uint8Array, seed: number): Generator<Uint8Array> {
  if (seed === 0) {
    yield bytes
    return
  }
  let state = seed >>> 0
  for (let start = 0; start < bytes.length; ) {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0
    const size = seed === -1 ? 1 : 1 + (state % 17)
    yield bytes.slice(start, start + size)
    start += size
  }
}

export async function collect<T extends ProviderType>(
  adapter: ProviderAdapter<T>,
  bytes: Uint8Array,
  context: CallContext<T>,
  now: () => number,
  seed: number,
): Promise<ChatStreamEvent[]> {
  async function* body(): AsyncGenerator<Uint8Array> {
    yield* pieces(bytes, seed)
  }
  const events: ChatStreamEvent[] = []
  for await (const event of adapter.decodeChatStream(body(), context, now)) events.push(event)
  return events
}

export interface StreamedToolCall {
  id: string | undefined
  name: string
  arguments: string
}

export function aggregateStream(events: readonly ChatStreamEvent[]) {
  let content = ''
  let finishReason: string | null = null
  const toolCalls: StreamedToolCall[] = []
  const usageEvents = events.filter((event) => event.kind === 'usage')
  expect(usageEvents.length, 'exactly one usage event').toBe(1)
  expect(events.at(-1)?.kind, 'the usage event comes last').toBe('usage')
  expect(events[0]?.kind === 'chunk' && events[0].chunk.choices[0]?.delta.role, 'first chunk has the role').toBe(
    'assistant',
  )
  for (const event of events) {
    expectChunkShape(event.chunk)
    if (event.kind === 'usage') {
      expect(event.chunk.choices).toEqual([])
      expect(event.chunk.usage?.prompt_tokens).toBe(event.usage.inputTokens)
      expect(event.chunk.usage?.completion_tokens).toBe(event.usage.outputTokens)
      continue
    }
    for (const choice of event.chunk.choices) {
      const hasPayload = Boolean(choice.delta.content) || (choice.delta.tool_calls ?? []).length > 0
      if (hasPayload) expect(finishReason, 'no content after the finish reason').toBeNull()
      content += choice.delta.content ?? ''
      finishReason = choice.finish_reason ?? finishReason
      for (const delta of choice.delta.tool_calls ?? []) {
        const call = toolCalls[delta.index] ?? { id: undefined, name: '', arguments: '' }
        call.id ??= delta.id
        call.name += delta.function?.name ?? ''
        call.arguments += delta.function?.arguments ?? ''
        toolCalls[delta.index] = call
      }
    }
  }
  return { content, finishReason, toolCalls, usage: usageEvents[0]?.usage }
}

export function expectSameToolCall(actual: StreamedToolCall, expected: StreamedToolCall | undefined): void {
  expect({ id: actual.id, name: actual.name }).toEqual({ id: expected?.id, name: expected?.name })
  const parsedActual = parseJsonOrText(actual.arguments)
  expect(parsedActual).toEqual(parseJsonOrText(expected?.arguments ?? ''))
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Canonical schema, plus what OpenAI's `CreateChatCompletionResponse` requires even when null. */
export function expectCompletionShape(completion: unknown): void {
  const parsed = ChatCompletion.parse(completion)
  for (const choice of parsed.choices) {
    expect(Object.hasOwn(choice, 'logprobs'), 'choices[].logprobs is required').toBe(true)
    expect(Object.hasOwn(choice.message, 'refusal'), 'message.refusal is required').toBe(true)
  }
  if (parsed.usage) expect(parsed.usage.total_tokens).toBe(parsed.usage.prompt_tokens + parsed.usage.completion_tokens)
}

/** Canonical schema, plus what OpenAI's `CreateChatCompletionStreamResponse` requires. */
export function expectChunkShape(chunk: unknown): void {
  const parsed = ChatCompletionChunk.parse(chunk)
  for (const choice of parsed.choices) {
    expect(Object.hasOwn(choice, 'finish_reason'), 'choices[].finish_reason is required').toBe(true)
  }
}
