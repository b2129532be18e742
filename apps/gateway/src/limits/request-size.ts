import type { AnthropicMessagesRequest, ChatCompletionRequest, EmbeddingsRequest } from '@switchyard/contracts'
import { type CountTokens, estimatePromptTokens, loadTokenCounter } from '../metering/estimate-tokens.ts'
import type { RequestSize } from './limiter.ts'

/**
 * Output a request may produce when it names no maximum: what token limits and budgets reserve
 * for it. Settling replaces it with the real count.
 */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4_096

/*
 * Input is counted with a real tokenizer (o200k_base, the metering's), loaded on the first
 * request a limit or budget applies to. Other vendors' tokenizers differ by a few percent; the
 * provider's count replaces it when the request settles.
 */

export async function chatRequestSize(body: ChatCompletionRequest): Promise<RequestSize> {
  const count = await loadTokenCounter()
  return {
    inputTokens: estimatePromptTokens({ kind: 'chat', request: body }, count),
    maxOutputTokens: body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
  }
}

export async function messagesRequestSize(body: AnthropicMessagesRequest): Promise<RequestSize> {
  const count = await loadTokenCounter()
  let inputTokens = countText(body.system, count)
  for (const message of body.messages) inputTokens += 3 + countText(message.content, count)
  if (body.tools !== undefined) inputTokens += count(JSON.stringify(body.tools))
  return { inputTokens, maxOutputTokens: body.max_tokens }
}

export async function embeddingsRequestSize(body: EmbeddingsRequest): Promise<RequestSize> {
  const count = await loadTokenCounter()
  return { inputTokens: estimatePromptTokens({ kind: 'embeddings', request: body }, count), maxOutputTokens: 0 }
}

/** Tokens of Anthropic content: strings and text blocks (tool inputs and results as their JSON). */
function countText(content: unknown, count: CountTokens): number {
  if (content === undefined || content === null) return 0
  if (typeof content === 'string') return count(content)
  if (!Array.isArray(content)) return 0
  let total = 0
  for (const block of content as ReadonlyArray<Record<string, unknown>>) {
    if (typeof block.text === 'string') total += count(block.text)
    else if (block.type === 'tool_use') total += count(JSON.stringify(block.input ?? {}))
    else if (block.type === 'tool_result') total += countText(block.content, count)
  }
  return total
}
