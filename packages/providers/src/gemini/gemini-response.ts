import type { ChatCompletion, ChatToolCall, FinishReason, TokenUsage } from '@switchyard/contracts'
import { malformedResponseError } from '../adapter-errors.ts'
import { completionId } from '../chat-chunks.ts'
import { toChatUsage } from '../chat-usage.ts'
import type { CallContext, ChatResult } from '../provider-adapter.ts'
import { geminiPromptBlocked } from './gemini-errors.ts'
import {
  type GeminiCandidate,
  GeminiResponse,
  type GeminiResponsePart,
  type GeminiUsageMetadata,
} from './gemini-wire.ts'

const CONTENT_FILTER_REASONS = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
])

/** Gemini `finishReason` → OpenAI's. A turn that called functions finishes with `tool_calls`. */
export function toFinishReason(reason: string, hasToolCalls: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length'
  if (CONTENT_FILTER_REASONS.has(reason)) return 'content_filter'
  return hasToolCalls ? 'tool_calls' : 'stop'
}

/**
 * `promptTokenCount` already includes the cached tokens; `candidatesTokenCount` leaves out the
 * thinking tokens, which are billed as output.
 */
export function toTokenUsage(metadata: GeminiUsageMetadata | undefined): TokenUsage {
  const thoughts = metadata?.thoughtsTokenCount ?? 0
  return {
    inputTokens: (metadata?.promptTokenCount ?? 0) + (metadata?.toolUsePromptTokenCount ?? 0),
    outputTokens: (metadata?.candidatesTokenCount ?? 0) + thoughts,
    cachedInputTokens: metadata?.cachedContentTokenCount ?? 0,
    cacheWriteInputTokens: 0,
    reasoningTokens: thoughts,
  }
}

/**
 * Gemini gives function calls no ids we can rely on, so we make them from our request id: stable
 * for one answer, streamed or not, and unique across its candidates.
 */
export function toolCallId(requestId: string, candidateIndex: number, callIndex: number): string {
  return candidateIndex === 0 ? `call_${requestId}_${callIndex}` : `call_${requestId}_${candidateIndex}_${callIndex}`
}

/** A `functionCall` part → an OpenAI tool call, its thought signature kept where Google's own compatible API puts it. */
export function toChatToolCall(part: GeminiResponsePart, id: string): ChatToolCall | undefined {
  if (part.functionCall === undefined) return undefined
  const call: ChatToolCall = {
    id,
    type: 'function',
    function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
  }
  if (part.thoughtSignature !== undefined) call.extra_content = { google: { thought_signature: part.thoughtSignature } }
  return call
}

/** The answer's text: thought summaries are not part of it. */
export function textOfParts(parts: readonly GeminiResponsePart[]): string {
  return parts.map((part) => (part.thought === true ? '' : (part.text ?? ''))).join('')
}

/** Parses one response or stream event at the boundary; a blocked prompt is an error, not an answer. */
export function readGeminiResponse(body: unknown): GeminiResponse {
  const parsed = GeminiResponse.safeParse(body)
  if (!parsed.success) throw malformedResponseError(parsed.error.issues[0]?.message ?? 'invalid body', parsed.error)
  const blockReason = parsed.data.promptFeedback?.blockReason
  if (blockReason !== undefined && (parsed.data.candidates ?? []).length === 0) throw geminiPromptBlocked(blockReason)
  return parsed.data
}

export function parseGeminiChatResponse(body: unknown, context: CallContext<'gemini'>, now: () => number): ChatResult {
  const response = readGeminiResponse(body)
  const usage = toTokenUsage(response.usageMetadata)
  const completion: ChatCompletion = {
    id: completionId(context.requestId),
    object: 'chat.completion',
    created: Math.floor(now() / 1000),
    model: response.modelVersion ?? context.upstreamModel,
    choices: (response.candidates ?? []).map((candidate, position) => toChoice(candidate, position, context.requestId)),
    usage: toChatUsage(usage),
  }
  return { completion, usage }
}

function toChoice(candidate: GeminiCandidate, position: number, requestId: string): ChatCompletion['choices'][number] {
  const index = candidate.index ?? position
  const parts = candidate.content?.parts ?? []
  const toolCalls: ChatToolCall[] = []
  for (const part of parts) {
    const call = toChatToolCall(part, toolCallId(requestId, index, toolCalls.length))
    if (call !== undefined) toolCalls.push(call)
  }
  const text = textOfParts(parts)
  const message: ChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: text === '' && toolCalls.length > 0 ? null : text,
    refusal: null,
  }
  if (toolCalls.length > 0) message.tool_calls = toolCalls
  const finishReason = toFinishReason(candidate.finishReason ?? 'STOP', toolCalls.length > 0)
  return { index, message, logprobs: null, finish_reason: finishReason }
}
