import type { AnthropicStreamEvent, ChatCompletionChunk, FinishReason, TokenUsage } from '@switchyard/contracts'
import type { ChatStreamEvent } from '@switchyard/providers'
import { type MessageContext, matchedStopSequence, stopReasonOf, toAnthropicUsage } from './to-anthropic-message.ts'

type ChunkChoice = ChatCompletionChunk['choices'][number]
type ToolCallDelta = NonNullable<ChunkChoice['delta']['tool_calls']>[number]
type OpenBlock = { readonly kind: 'text'; readonly index: number } | { readonly kind: 'tool'; readonly index: number }

/**
 * Canonical chunks → Anthropic stream events, one chunk at a time. Anthropic streams one content
 * block at a time, so a block is stopped when the next one starts: text deltas open a text block,
 * each new canonical tool call (by its `index`) a `tool_use` block whose argument pieces follow as
 * `input_json_delta`s. Pure: no I/O, and ids come from the context.
 */
export class AnthropicStreamTranslator {
  readonly #context: MessageContext
  #open: OpenBlock | null = null
  #nextIndex = 0
  /** Canonical tool call index → our block index. */
  readonly #toolBlocks = new Map<number, number>()
  #finishReason: FinishReason | null = null
  #stopSequence: string | null = null
  #usage: TokenUsage | null = null

  constructor(context: MessageContext) {
    this.#context = context
  }

  /** The usage the stream reported, once its last event went through. */
  get usage(): TokenUsage | null {
    return this.#usage
  }

  /** `message_start` (input usage is not known yet, so 0 until `message_delta`) and a `ping`. */
  start(): AnthropicStreamEvent[] {
    const message = {
      id: this.#context.messageId,
      type: 'message' as const,
      role: 'assistant' as const,
      model: this.#context.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    }
    return [{ type: 'message_start', message }, { type: 'ping' }]
  }

  push(event: ChatStreamEvent): AnthropicStreamEvent[] {
    if (event.kind === 'usage') this.#usage = event.usage
    const out: AnthropicStreamEvent[] = []
    // Anthropic requests have no `n`: only the first choice exists.
    const choice = event.chunk.choices.find((candidate) => candidate.index === 0)
    if (!choice) return out
    const text = choice.delta.content || choice.delta.refusal
    if (text) this.#text(text, out)
    for (const call of choice.delta.tool_calls ?? []) this.#toolCall(call, out)
    if (choice.finish_reason !== null) {
      this.#finishReason = choice.finish_reason
      this.#stopSequence = matchedStopSequence(choice, this.#context.stopSequences)
    }
    return out
  }

  /** After the last canonical event: stop the open block, then `message_delta` and `message_stop`. */
  finish(): AnthropicStreamEvent[] {
    const out: AnthropicStreamEvent[] = []
    this.#stopOpenBlock(out)
    const usage = this.#usage ? toAnthropicUsage(this.#usage) : { output_tokens: 0 }
    out.push({
      type: 'message_delta',
      delta: {
        stop_reason: stopReasonOf(this.#finishReason, this.#toolBlocks.size > 0, this.#stopSequence),
        stop_sequence: this.#stopSequence,
      },
      usage,
    })
    out.push({ type: 'message_stop' })
    return out
  }

  #text(text: string, out: AnthropicStreamEvent[]): void {
    if (this.#open?.kind !== 'text') {
      const index = this.#startBlock(out)
      this.#open = { kind: 'text', index }
      out.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } })
    }
    out.push({ type: 'content_block_delta', index: this.#open.index, delta: { type: 'text_delta', text } })
  }

  #toolCall(call: ToolCallDelta, out: AnthropicStreamEvent[]): void {
    let index = this.#toolBlocks.get(call.index)
    if (index === undefined) {
      index = this.#startBlock(out)
      this.#toolBlocks.set(call.index, index)
      this.#open = { kind: 'tool', index }
      const id = call.id ?? `toolu_${this.#context.messageId.replace(/^msg_/, '')}_${call.index}`
      const name = call.function?.name ?? ''
      out.push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input: {} } })
    }
    // Providers send one tool call's pieces before the next one's; should one interleave, its
    // pieces still go to its own block index, where the SDK accumulates them.
    const partialJson = call.function?.arguments
    if (partialJson) {
      out.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partialJson } })
    }
  }

  /** Stops the open block, if any, and returns the next block's index. */
  #startBlock(out: AnthropicStreamEvent[]): number {
    this.#stopOpenBlock(out)
    const index = this.#nextIndex
    this.#nextIndex += 1
    return index
  }

  #stopOpenBlock(out: AnthropicStreamEvent[]): void {
    if (this.#open === null) return
    out.push({ type: 'content_block_stop', index: this.#open.index })
    this.#open = null
  }
}
