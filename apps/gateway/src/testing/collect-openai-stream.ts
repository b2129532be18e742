import type { ChatCompletionChunk } from '@switchyard/contracts'

export interface CollectedStream {
  readonly content: string
  readonly toolCalls: ReadonlyArray<{ id: string; name: string; arguments: string }>
  readonly finishReason: string | null
  readonly usage: { prompt_tokens: number; completion_tokens: number } | null
  readonly chunks: readonly unknown[]
}

/** Folds OpenAI stream chunks into the message they spell, as a client library would. */
export async function collectOpenAIStream(stream: AsyncIterable<unknown>): Promise<CollectedStream> {
  let content = ''
  const toolCalls: Array<{ id: string; name: string; arguments: string }> = []
  let finishReason: string | null = null
  let usage: CollectedStream['usage'] = null
  const chunks: unknown[] = []
  for await (const raw of stream) {
    chunks.push(raw)
    const chunk = raw as ChatCompletionChunk
    if (chunk.usage)
      usage = { prompt_tokens: chunk.usage.prompt_tokens, completion_tokens: chunk.usage.completion_tokens }
    for (const choice of chunk.choices) {
      content += choice.delta.content ?? ''
      for (const delta of choice.delta.tool_calls ?? []) {
        const call = toolCalls[delta.index] ?? { id: '', name: '', arguments: '' }
        toolCalls[delta.index] = call
        call.id += delta.id ?? ''
        call.name += delta.function?.name ?? ''
        call.arguments += delta.function?.arguments ?? ''
      }
      if (choice.finish_reason) finishReason = choice.finish_reason
    }
  }
  return { content, toolCalls, finishReason, usage, chunks }
}
