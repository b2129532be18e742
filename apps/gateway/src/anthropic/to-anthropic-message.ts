import type {
  AnthropicContentBlock,
  AnthropicMessage,
  AnthropicStopReason,
  AnthropicUsage,
  FinishReason,
  TokenUsage,
} from '@switchyard/contracts'
import type { ChatResult } from '@switchyard/providers'

/** What the answer needs besides the canonical result. */
export interface MessageContext {
  /** `msg_…`, made by the route. */
  readonly messageId: string
  /** The model the client asked for (not the deployment's upstream model). */
  readonly model: string
  /** The client's `stop_sequences`, to tell `stop_sequence` from `end_turn` when the provider says which matched. */
  readonly stopSequences: readonly string[]
}

/** A canonical completion → an Anthropic Message: one text block (if any text), then the tool uses. */
export function toAnthropicMessage(result: ChatResult, context: MessageContext): AnthropicMessage {
  const choice = result.completion.choices[0]
  const content: AnthropicContentBlock[] = []
  // A refusal is what the model said instead of an answer; Anthropic shows it as text.
  const text = choice?.message.content || choice?.message.refusal || ''
  if (text !== '') content.push({ type: 'text', text })
  for (const call of choice?.message.tool_calls ?? []) {
    content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: toolInput(call.function.arguments) })
  }
  const stopSequence = choice ? matchedStopSequence(choice, context.stopSequences) : null
  const hasToolUse = content.some((block) => block.type === 'tool_use')
  return {
    id: context.messageId,
    type: 'message',
    role: 'assistant',
    model: context.model,
    content,
    stop_reason: stopReasonOf(choice?.finish_reason ?? null, hasToolUse, stopSequence),
    stop_sequence: stopSequence,
    usage: toAnthropicUsage(result.usage),
  }
}

/**
 * `finish_reason` → `stop_reason`. Some OpenAI-compatible servers say `stop` after tool calls;
 * a client loops on tool uses by their blocks or by `tool_use`, so tool calls win.
 */
export function stopReasonOf(
  finishReason: FinishReason | null,
  hasToolUse: boolean,
  stopSequence: string | null,
): AnthropicStopReason {
  switch (finishReason) {
    case 'length':
      return 'max_tokens'
    case 'content_filter':
      return 'refusal'
    case 'tool_calls':
    case 'function_call':
      return 'tool_use'
    default:
      if (hasToolUse) return 'tool_use'
      return stopSequence === null ? 'end_turn' : 'stop_sequence'
  }
}

/**
 * The stop sequence that ended the answer, when the provider says: vLLM and similar servers
 * put the matched string in `choices[].stop_reason`, Anthropic-backed adapters may keep
 * `stop_sequence`. OpenAI itself does not tell, and then this is null (`end_turn`).
 */
export function matchedStopSequence(
  choice: { readonly finish_reason: FinishReason | null; readonly [field: string]: unknown },
  stopSequences: readonly string[],
): string | null {
  if (choice.finish_reason !== 'stop' || stopSequences.length === 0) return null
  for (const candidate of [choice.stop_sequence, choice.stop_reason]) {
    if (typeof candidate === 'string' && stopSequences.includes(candidate)) return candidate
  }
  return null
}

/**
 * Tool arguments → `input`, which Anthropic requires to be an object. Empty arguments are `{}`;
 * arguments that are not a JSON object are kept whole as `{"_raw": "…"}` rather than failing the
 * whole answer: the client's tool-input validation then reports it to the model, which retries.
 */
export function toolInput(argumentsJson: string): Record<string, unknown> {
  if (argumentsJson.trim() === '') return {}
  try {
    const parsed: unknown = JSON.parse(argumentsJson)
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>
  } catch {
    // Kept raw below.
  }
  return { _raw: argumentsJson }
}

/** Anthropic's `input_tokens` are the uncached ones: total input minus cache reads and writes. */
export function toAnthropicUsage(usage: TokenUsage): AnthropicUsage {
  return {
    input_tokens: Math.max(0, usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteInputTokens),
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: usage.cacheWriteInputTokens,
    cache_read_input_tokens: usage.cachedInputTokens,
  }
}
