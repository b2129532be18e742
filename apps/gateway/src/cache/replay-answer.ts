import type { ChatCompletion, ChatCompletionChunk, TokenUsage } from '@switchyard/contracts'
import { type ChatStreamEvent, toChatUsage } from '@switchyard/providers'

type Choice = ChatCompletion['choices'][number]
type ChunkChoice = ChatCompletionChunk['choices'][number]

/**
 * A whole answer as the canonical stream events a provider would have sent: per choice, one
 * chunk with the role and the whole message (text, refusal, tool calls with their ids and
 * arguments), one with the finish reason, then the usage event. The stream writers turn them
 * into valid SSE (OpenAI chunks and `[DONE]`, or Anthropic's events), as for a live stream.
 */
export function replayEvents(completion: ChatCompletion, usage: TokenUsage): ChatStreamEvent[] {
  const chunkOf = (choices: ChunkChoice[]): ChatCompletionChunk => ({
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
    choices,
    ...(completion.system_fingerprint ? { system_fingerprint: completion.system_fingerprint } : {}),
  })
  const events: ChatStreamEvent[] = []
  for (const choice of completion.choices) {
    events.push({ kind: 'chunk', chunk: chunkOf([messageChoice(choice)]) })
    events.push({
      kind: 'chunk',
      chunk: chunkOf([{ index: choice.index, delta: {}, finish_reason: choice.finish_reason }]),
    })
  }
  const usageChunk: ChatCompletionChunk = { ...chunkOf([]), usage: completion.usage ?? toChatUsage(usage) }
  events.push({ kind: 'usage', usage, chunk: usageChunk })
  return events
}

function messageChoice(choice: Choice): ChunkChoice {
  const { message } = choice
  const delta: ChunkChoice['delta'] = { role: 'assistant', content: message.content }
  if (message.refusal) delta.refusal = message.refusal
  if (message.tool_calls && message.tool_calls.length > 0) {
    delta.tool_calls = message.tool_calls.map((call, index) => ({
      index,
      id: call.id,
      type: 'function' as const,
      function: { name: call.function.name, arguments: call.function.arguments },
    }))
  }
  const chunkChoice: ChunkChoice = { index: choice.index, delta, finish_reason: null }
  if (choice.logprobs !== undefined && choice.logprobs !== null) chunkChoice.logprobs = choice.logprobs
  return chunkChoice
}

/** The events as the iterator pair the stream writers take (the first one already read). */
export function replayIterator(events: readonly ChatStreamEvent[]): {
  first: IteratorResult<ChatStreamEvent>
  events: AsyncIterator<ChatStreamEvent>
} {
  const resultAt = (index: number): IteratorResult<ChatStreamEvent> => {
    const event = events[index]
    return event === undefined ? { done: true, value: undefined } : { done: false, value: event }
  }
  let index = 1
  const next = async () => {
    const result = resultAt(index)
    index += 1
    return result
  }
  return { first: resultAt(0), events: { next, return: async () => ({ done: true, value: undefined }) } }
}
