import type { ChatCompletion, ChatToolCall, FinishReason, TokenUsage } from '@switchyard/contracts'
import { malformedResponseError } from '../adapter-errors.ts'
import { completionId } from '../chat-chunks.ts'
import { toChatUsage } from '../chat-usage.ts'
import type { CallContext, ChatResult } from '../provider-adapter.ts'
import { type BedrockUsage, ConverseResponse } from './bedrock-wire.ts'

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  tool_use: 'tool_calls',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  content_filtered: 'content_filter',
  guardrail_intervened: 'content_filter',
}

/** Converse `stopReason` → OpenAI's `finish_reason`. */
export function toFinishReason(stopReason: string): FinishReason {
  return FINISH_REASONS[stopReason] ?? 'stop'
}

/** Converse counts cache reads and writes apart from `inputTokens`; ours counts all input. */
export function toTokenUsage(usage: BedrockUsage): TokenUsage {
  const cachedInputTokens = usage.cacheReadInputTokens ?? 0
  const cacheWriteInputTokens = usage.cacheWriteInputTokens ?? 0
  return {
    inputTokens: usage.inputTokens + cachedInputTokens + cacheWriteInputTokens,
    outputTokens: usage.outputTokens,
    cachedInputTokens,
    cacheWriteInputTokens,
    reasoningTokens: 0,
  }
}

export function parseBedrockChatResponse(
  body: unknown,
  context: CallContext<'bedrock'>,
  now: () => number,
): ChatResult {
  const parsed = ConverseResponse.safeParse(body)
  if (!parsed.success) throw malformedResponseError(parsed.error.issues[0]?.message ?? 'invalid body', parsed.error)
  const response = parsed.data
  const blocks = response.output.message?.content ?? []
  const toolCalls: ChatToolCall[] = blocks.flatMap(({ toolUse }) =>
    toolUse === undefined
      ? []
      : [
          {
            id: toolUse.toolUseId,
            type: 'function' as const,
            function: { name: toolUse.name, arguments: JSON.stringify(toolUse.input ?? {}) },
          },
        ],
  )
  // Reasoning blocks are not part of the answer.
  const text = blocks.map((block) => block.text ?? '').join('')
  const message: ChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: text === '' && toolCalls.length > 0 ? null : text,
    refusal: null,
  }
  if (toolCalls.length > 0) message.tool_calls = toolCalls
  const usage = toTokenUsage(response.usage)
  const completion: ChatCompletion = {
    id: completionId(context.requestId),
    object: 'chat.completion',
    created: Math.floor(now() / 1000),
    model: context.upstreamModel,
    choices: [{ index: 0, message, logprobs: null, finish_reason: toFinishReason(response.stopReason) }],
    usage: toChatUsage(usage),
  }
  return { completion, usage }
}
