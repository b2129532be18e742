import type { ChatCompletion, ChatCompletionChunk, TokenUsage } from '@switchyard/contracts'
import type { ChatStreamEvent } from '@switchyard/providers'

/**
 * One answer, text then two tool calls, as a canonical completion and as the canonical chunks
 * a provider adapter streams for it: shared by the translation and route tests.
 */
export const answerUsage: TokenUsage = {
  inputTokens: 1_000,
  outputTokens: 42,
  cachedInputTokens: 600,
  cacheWriteInputTokens: 100,
  reasoningTokens: 0,
}

export const answerCompletion: ChatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-upstream',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: 'Checking the weather in two cities.',
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris","unit":"C"}' } },
          { id: 'call_b', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
        ],
      },
      finish_reason: 'tool_calls',
    },
  ],
  usage: { prompt_tokens: 1_000, completion_tokens: 42, total_tokens: 1_042 },
}

type Delta = ChatCompletionChunk['choices'][number]['delta']
type FinishReason = ChatCompletionChunk['choices'][number]['finish_reason']

export function chunk(delta: Delta, finishReason: FinishReason = null): ChatCompletionChunk {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'gpt-upstream',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  }
}

const usageChunk: ChatCompletionChunk = {
  ...chunk({}),
  choices: [],
  usage: { prompt_tokens: 1_000, completion_tokens: 42, total_tokens: 1_042 },
}

export const answerStream: readonly ChatStreamEvent[] = [
  { kind: 'chunk', chunk: chunk({ role: 'assistant', content: '' }) },
  { kind: 'chunk', chunk: chunk({ content: 'Checking the weather' }) },
  { kind: 'chunk', chunk: chunk({ content: ' in two cities.' }) },
  {
    kind: 'chunk',
    chunk: chunk({
      tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'weather', arguments: '' } }],
    }),
  },
  { kind: 'chunk', chunk: chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }) },
  { kind: 'chunk', chunk: chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris","unit":"C"}' } }] }) },
  {
    kind: 'chunk',
    chunk: chunk({
      tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'weather', arguments: '{"city"' } }],
    }),
  },
  { kind: 'chunk', chunk: chunk({ tool_calls: [{ index: 1, function: { arguments: ':"Oslo"}' } }] }) },
  { kind: 'chunk', chunk: chunk({}, 'tool_calls') },
  { kind: 'usage', usage: answerUsage, chunk: usageChunk },
]

export async function* streamOf(events: readonly ChatStreamEvent[], failure?: Error): AsyncGenerator<ChatStreamEvent> {
  for (const event of events) yield event
  if (failure) throw failure
}
