import type { ChatCompletionChunk, ChatToolCallDelta, FinishReason, TokenUsage } from '@switchyard/contracts'
import { toChatUsage } from './chat-usage.ts'
import type { ChatStreamEvent } from './provider-adapter.ts'

/** What every chunk of one translated stream shares. */
export interface ChunkIdentity {
  readonly id: string
  readonly model: string
  /** Unix seconds. */
  readonly created: number
}

/** The id of a translated completion: ours, since the vendor's is not an OpenAI id. */
export function completionId(requestId: string): string {
  return `chatcmpl-${requestId}`
}

type Delta = ChatCompletionChunk['choices'][number]['delta']

function chunk(identity: ChunkIdentity, delta: Delta, finishReason: FinishReason | null): ChatStreamEvent {
  return {
    kind: 'chunk',
    chunk: {
      id: identity.id,
      object: 'chat.completion.chunk',
      created: identity.created,
      model: identity.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    },
  }
}

/**
 * Builders for the canonical chunks of a translated (non-OpenAI) stream, in the order OpenAI sends
 * them: the role first, then content and tool-call pieces, then the finish reason, then usage.
 */
export const chatChunks = {
  role: (identity: ChunkIdentity): ChatStreamEvent => chunk(identity, { role: 'assistant', content: '' }, null),
  content: (identity: ChunkIdentity, text: string): ChatStreamEvent => chunk(identity, { content: text }, null),
  toolCallStart(identity: ChunkIdentity, index: number, id: string, name: string): ChatStreamEvent {
    const call: ChatToolCallDelta = { index, id, type: 'function', function: { name, arguments: '' } }
    return chunk(identity, { tool_calls: [call] }, null)
  },
  toolCallArguments(identity: ChunkIdentity, index: number, argumentsPart: string): ChatStreamEvent {
    return chunk(identity, { tool_calls: [{ index, function: { arguments: argumentsPart } }] }, null)
  },
  finish: (identity: ChunkIdentity, finishReason: FinishReason): ChatStreamEvent => chunk(identity, {}, finishReason),
  usage(identity: ChunkIdentity, usage: TokenUsage): ChatStreamEvent {
    const { id, model, created } = identity
    const usageChunk = {
      id,
      object: 'chat.completion.chunk' as const,
      created,
      model,
      choices: [],
      usage: toChatUsage(usage),
    }
    return { kind: 'usage', usage, chunk: usageChunk }
  },
}
