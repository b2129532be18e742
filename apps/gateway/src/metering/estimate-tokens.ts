import type { ChatCompletionRequest, EmbeddingsRequest, TokenUsage } from '@switchyard/contracts'
import type { ChatStreamEvent } from '@switchyard/providers'

/** Counts the tokens of a text. */
export type CountTokens = (text: string) => number

/** What the client sent, in the canonical shape, kept for an estimate when the provider reports no usage. */
export type MeteredPrompt =
  | { readonly kind: 'chat'; readonly request: ChatCompletionRequest }
  | { readonly kind: 'embeddings'; readonly request: EmbeddingsRequest }

let loading: Promise<CountTokens> | null = null

/**
 * The o200k_base encoding (OpenAI's GPT-4o and later) from `gpt-tokenizer`, whose merge ranks
 * ship inside the package: no download, ever. Loaded on the first estimate only (about 0.4 s
 * and 80 MB here): a pod whose streams all end normally never pays for it. Text that looks like
 * a special token (`<|endoftext|>`) is counted as the plain text a provider would see.
 */
export function loadTokenCounter(): Promise<CountTokens> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base').then(({ countTokens }) => {
    const plainText = { disallowedSpecial: new Set<string>() }
    return (text: string) => (text === '' ? 0 : countTokens(text, plainText))
  })
  return loading
}

/** OpenAI's documented framing: each message costs 3 tokens beyond its text, the reply 3 more. */
const TOKENS_PER_MESSAGE = 3
const TOKENS_REPLY_PRIMING = 3

/** Text of a message's content, whichever shape it came in; images and audio are not counted. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  let text = ''
  for (const part of content as ReadonlyArray<Record<string, unknown>>) {
    if (typeof part.text === 'string') text += part.text
    else if (typeof part.refusal === 'string') text += part.refusal
  }
  return text
}

/** Input tokens of a prompt, counted the way OpenAI frames a chat (an estimate for other vendors). */
export function estimatePromptTokens(prompt: MeteredPrompt, count: CountTokens): number {
  if (prompt.kind === 'embeddings') {
    const { input } = prompt.request
    if (typeof input === 'string') return count(input)
    let total = 0
    for (const item of input) {
      if (typeof item === 'string') total += count(item)
      else if (typeof item === 'number') total += 1
      else total += item.length
    }
    return total
  }
  const { messages, tools } = prompt.request
  let total = TOKENS_REPLY_PRIMING
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + count(message.role) + count(contentText(message.content))
    if ('name' in message && typeof message.name === 'string') total += count(message.name) + 1
    if ('tool_calls' in message && message.tool_calls) total += count(JSON.stringify(message.tool_calls))
  }
  if (tools && tools.length > 0) total += count(JSON.stringify(tools))
  return total
}

/** Beyond this many characters of streamed text the rest is estimated at 4 characters a token. */
const MAX_KEPT_CHARS = 1_000_000
const CHARS_PER_TOKEN = 4

/**
 * The text of a stream's events as they pass to the client: content and tool-call arguments,
 * kept as parts (no concatenation on the hot path) and counted only if the stream ends without
 * the provider's usage.
 */
export class StreamedText {
  readonly #parts: string[] = []
  #keptChars = 0
  #droppedChars = 0

  /** Notes the text of one event. */
  observe(event: ChatStreamEvent): void {
    for (const choice of event.chunk.choices) {
      const { delta } = choice
      if (typeof delta.content === 'string') this.#keep(delta.content)
      for (const call of delta.tool_calls ?? []) {
        if (call.function?.name) this.#keep(call.function.name)
        if (call.function?.arguments) this.#keep(call.function.arguments)
      }
    }
  }

  /** Wraps a stream's events so that each one is observed as it is read. */
  tap(events: AsyncIterator<ChatStreamEvent>): AsyncIterator<ChatStreamEvent> {
    return {
      next: async () => {
        const result = await events.next()
        if (!result.done) this.observe(result.value)
        return result
      },
      return: async (value?: unknown) => (events.return ? events.return(value) : { done: true, value: undefined }),
    }
  }

  /** Output tokens of what was streamed so far. */
  tokens(count: CountTokens): number {
    return count(this.#parts.join('')) + Math.ceil(this.#droppedChars / CHARS_PER_TOKEN)
  }

  #keep(text: string): void {
    if (text === '') return
    if (this.#keptChars + text.length > MAX_KEPT_CHARS) {
      this.#droppedChars += text.length
      return
    }
    this.#parts.push(text)
    this.#keptChars += text.length
  }
}

/** A tokenizer estimate where the provider reported nothing: prompt tokens in, streamed tokens out. */
export function estimateUsage(
  prompt: MeteredPrompt | null,
  streamed: StreamedText | null,
  count: CountTokens,
): TokenUsage {
  return {
    inputTokens: prompt === null ? 0 : estimatePromptTokens(prompt, count),
    outputTokens: streamed === null ? 0 : streamed.tokens(count),
    cachedInputTokens: 0,
    cacheWriteInputTokens: 0,
    reasoningTokens: 0,
  }
}
