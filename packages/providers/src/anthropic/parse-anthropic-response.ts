import type { ChatCompletion, ChatToolCall } from '@switchyard/contracts'
import { malformedResponseError } from '../adapter-errors.ts'
import { completionId } from '../chat-chunks.ts'
import { toChatUsage } from '../chat-usage.ts'
import type { CallContext, ChatResult } from '../provider-adapter.ts'
import { finishReasonOf } from './anthropic-finish-reason.ts'
import { JSON_RESPONSE_TOOL_NAME } from './anthropic-request.ts'
import { usageFromAnthropic } from './anthropic-usage.ts'
import { AnthropicResponse } from './anthropic-wire.ts'

interface TranslatedContent {
  readonly content: string | null
  readonly toolCalls: ChatToolCall[]
  readonly isJsonResponse: boolean
}

/** Text blocks joined; tool_use blocks as tool calls, the emulated JSON tool's input as text. */
function translateContent(blocks: AnthropicResponse['content']): TranslatedContent {
  const texts: string[] = []
  const toolCalls: ChatToolCall[] = []
  let isJsonResponse = false
  for (const block of blocks) {
    if (block.type === 'text' && block.text !== undefined) texts.push(block.text)
    if (block.type !== 'tool_use' || block.id === undefined || block.name === undefined) continue
    const args = JSON.stringify(block.input ?? {})
    if (block.name === JSON_RESPONSE_TOOL_NAME) {
      texts.push(args)
      isJsonResponse = true
    } else toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: args } })
  }
  return { content: texts.length > 0 ? texts.join('') : null, toolCalls, isJsonResponse }
}

/**
 * A Messages API answer → canonical: text blocks joined, `tool_use` blocks as tool calls with
 * their input as a JSON string (the emulated JSON tool's input as the content), thinking and
 * other blocks left out.
 */
export function parseAnthropicResponse(
  body: unknown,
  context: CallContext<'anthropic'>,
  now: () => number,
): ChatResult {
  const parsed = AnthropicResponse.safeParse(body)
  if (!parsed.success) throw malformedResponseError('not a Messages API message', parsed.error)
  const message = parsed.data
  const { content, toolCalls, isJsonResponse } = translateContent(message.content)
  const usage = usageFromAnthropic(message.usage)
  const completion: ChatCompletion = {
    id: completionId(context.requestId),
    object: 'chat.completion',
    created: Math.floor(now() / 1000),
    model: message.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: finishReasonOf(message.stop_reason, isJsonResponse),
        logprobs: null,
      },
    ],
    usage: toChatUsage(usage),
  }
  return { completion, usage }
}
