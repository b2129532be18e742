import type { AnthropicMessagesRequest, ChatCompletionRequest, EmbeddingsRequest } from '@switchyard/contracts'
import type { RequestSize } from './limiter.ts'

/**
 * Output a request may produce when it names no maximum: what token limits and budgets reserve
 * for it. Settling replaces it with the real count.
 */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4_096

/** About four characters a token: an estimate for admission only, settled with the provider's count. */
const estimateTokens = (value: unknown): number => Math.ceil(JSON.stringify(value ?? '').length / 4)

export function chatRequestSize(body: ChatCompletionRequest): RequestSize {
  return {
    inputTokens: estimateTokens(body.messages) + estimateTokens(body.tools ?? []),
    maxOutputTokens: body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
  }
}

export function messagesRequestSize(body: AnthropicMessagesRequest): RequestSize {
  return {
    inputTokens: estimateTokens(body.messages) + estimateTokens(body.system ?? '') + estimateTokens(body.tools ?? []),
    maxOutputTokens: body.max_tokens,
  }
}

export function embeddingsRequestSize(body: EmbeddingsRequest): RequestSize {
  return { inputTokens: estimateTokens(body.input), maxOutputTokens: 0 }
}
