import type { FinishReason, GeneratedChoice, Generation, TokenUsage } from '../core/generate.ts'

export type GeminiFinishReason = 'STOP' | 'MAX_TOKENS' | 'SAFETY'

export function geminiFinishReason(reason: FinishReason): GeminiFinishReason {
  if (reason === 'length') return 'MAX_TOKENS'
  if (reason === 'content_filter') return 'SAFETY'
  return 'STOP'
}

/** `promptTokenCount` includes the cached part; thoughts come on top of candidates. */
export function usageMetadata(usage: TokenUsage) {
  const metadata: Record<string, unknown> = {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: usage.outputTokens,
    totalTokenCount: usage.inputTokens + usage.outputTokens + usage.reasoningTokens,
  }
  if (usage.cachedInputTokens > 0) metadata.cachedContentTokenCount = usage.cachedInputTokens
  if (usage.reasoningTokens > 0) metadata.thoughtsTokenCount = usage.reasoningTokens
  metadata.promptTokensDetails = [{ modality: 'TEXT', tokenCount: usage.inputTokens }]
  return metadata
}

export function answerParts(choice: GeneratedChoice): object[] {
  if (choice.toolCalls.length > 0) {
    return choice.toolCalls.map((call) => ({ functionCall: { name: call.name, args: call.input } }))
  }
  return [{ text: choice.text }]
}

export interface GeminiReplyInput {
  readonly responseId: string
  readonly model: string
  readonly generation: Generation
}

/** A GenerateContentResponse. */
export function generateContentResponse(input: GeminiReplyInput) {
  return {
    candidates: input.generation.choices.map((choice) => ({
      content: { parts: answerParts(choice), role: 'model' },
      finishReason: geminiFinishReason(choice.finishReason),
      index: choice.index,
    })),
    usageMetadata: usageMetadata(input.generation.usage),
    modelVersion: input.model,
    responseId: input.responseId,
  }
}
