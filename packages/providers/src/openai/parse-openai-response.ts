import { type ChatCompletion, FINISH_REASONS, type FinishReason } from '@switchyard/contracts'
import { malformedResponseError } from '../adapter-errors.ts'
import { NO_USAGE } from '../chat-usage.ts'
import type { ChatResult } from '../provider-adapter.ts'
import { usageFromOpenAI } from './openai-usage.ts'
import { OpenAIChatResponse } from './openai-wire.ts'

const KNOWN_FINISH_REASONS: ReadonlySet<string> = new Set(FINISH_REASONS)

function isFinishReason(reason: string): reason is FinishReason {
  return KNOWN_FINISH_REASONS.has(reason)
}

/** A finish reason of a compatible server's own (or none) reads as a natural stop. */
export function toFinishReason(reason: string | null | undefined): FinishReason {
  return reason !== null && reason !== undefined && isFinishReason(reason) ? reason : 'stop'
}

/**
 * An OpenAI-dialect completion → canonical, with the fields OpenAI's schema requires filled in
 * (`refusal`, `logprobs`) for servers that leave them out. No usage reported reads as zero.
 */
export function parseOpenAIChatResponse(body: unknown): ChatResult {
  const parsed = OpenAIChatResponse.safeParse(body)
  if (!parsed.success) throw malformedResponseError('not a chat completion', parsed.error)
  const { usage, choices, ...rest } = parsed.data
  const completion: ChatCompletion = {
    ...rest,
    object: 'chat.completion',
    choices: choices.map(({ message: { tool_calls: toolCalls, ...message }, ...choice }) => ({
      ...choice,
      message: {
        ...message,
        role: 'assistant' as const,
        content: message.content ?? null,
        refusal: message.refusal ?? null,
        ...(toolCalls ? { tool_calls: toolCalls } : {}),
      },
      finish_reason: toFinishReason(choice.finish_reason),
      logprobs: choice.logprobs ?? null,
    })),
    ...(usage ? { usage } : {}),
  }
  return { completion, usage: usage ? usageFromOpenAI(usage) : NO_USAGE }
}
