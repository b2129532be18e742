import type { ChatCompletion, ChatCompletionChunk, ChatUsage, FinishReason } from '@switchyard/contracts'
import type { ChatStreamEvent } from '@switchyard/providers'

type Delta = ChatCompletionChunk['choices'][number]['delta']
type Completion = ChatCompletion
type Choice = Completion['choices'][number]

interface ToolCallParts {
  id: string | undefined
  name: string
  readonly args: string[]
}

interface ChoiceParts {
  readonly content: string[]
  hasContent: boolean
  readonly refusal: string[]
  readonly toolCalls: Map<number, ToolCallParts>
  finishReason: FinishReason | null
  /** Token logprobs of the content and refusal, concatenated; null while none came. */
  logprobs: { content: unknown[]; refusal: unknown[] } | null
}

/**
 * Rebuilds the whole answer of a stream from its canonical events as they pass, so that a
 * streamed request can fill the cache for whole and streamed requests alike. It keeps the text
 * pieces, not the chunks, and gives up (no answer) once they pass `maxChars`, or on anything it
 * cannot rebuild faithfully (a tool call without an id, logprobs of an unknown shape).
 */
export class AnswerAssembler {
  readonly #maxChars: number
  readonly #choices = new Map<number, ChoiceParts>()
  #identity: ChatCompletionChunk | null = null
  #usage: ChatUsage | null = null
  #chars = 0
  #isUnusable = false

  constructor(maxChars: number) {
    this.#maxChars = maxChars
  }

  observe(event: ChatStreamEvent): void {
    if (this.#isUnusable) return
    const { chunk } = event
    this.#identity ??= chunk
    if (event.kind === 'usage') this.#usage = chunk.usage ?? null
    for (const choice of chunk.choices) {
      const parts = this.#choice(choice.index)
      this.#delta(parts, choice.delta)
      if (choice.finish_reason !== null) parts.finishReason = choice.finish_reason
      if (choice.logprobs !== undefined && choice.logprobs !== null) this.#logprobs(parts, choice.logprobs)
    }
    if (this.#chars > this.#maxChars) this.#giveUp()
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

  /** The answer as a whole completion, or null when it cannot be rebuilt (or no choice finished). */
  completion(): Completion | null {
    const identity = this.#identity
    if (this.#isUnusable || identity === null || this.#choices.size === 0) return null
    const choices: Choice[] = []
    for (const [index, parts] of [...this.#choices].sort(([a], [b]) => a - b)) {
      const choice = choiceOf(index, parts)
      if (choice === null) return null
      choices.push(choice)
    }
    return {
      id: identity.id,
      object: 'chat.completion',
      created: identity.created,
      model: identity.model,
      choices,
      ...(this.#usage ? { usage: this.#usage } : {}),
      ...(identity.system_fingerprint ? { system_fingerprint: identity.system_fingerprint } : {}),
    }
  }

  #choice(index: number): ChoiceParts {
    let parts = this.#choices.get(index)
    if (parts === undefined) {
      parts = { content: [], hasContent: false, refusal: [], toolCalls: new Map(), finishReason: null, logprobs: null }
      this.#choices.set(index, parts)
    }
    return parts
  }

  #delta(parts: ChoiceParts, delta: Delta): void {
    if (typeof delta.content === 'string') {
      parts.hasContent = true
      parts.content.push(delta.content)
      this.#chars += delta.content.length
    }
    if (typeof delta.refusal === 'string') {
      parts.refusal.push(delta.refusal)
      this.#chars += delta.refusal.length
    }
    for (const call of delta.tool_calls ?? []) {
      let tool = parts.toolCalls.get(call.index)
      if (tool === undefined) {
        tool = { id: undefined, name: '', args: [] }
        parts.toolCalls.set(call.index, tool)
      }
      if (call.id) tool.id ??= call.id
      const name = call.function?.name
      if (name) tool.name += name
      const args = call.function?.arguments
      if (args) {
        tool.args.push(args)
        this.#chars += args.length
      }
    }
  }

  #logprobs(parts: ChoiceParts, logprobs: unknown): void {
    const { content, refusal } = logprobs as { content?: unknown; refusal?: unknown }
    const isList = (value: unknown) => value === undefined || value === null || Array.isArray(value)
    if (typeof logprobs !== 'object' || !isList(content) || !isList(refusal)) {
      this.#giveUp()
      return
    }
    parts.logprobs ??= { content: [], refusal: [] }
    if (Array.isArray(content)) parts.logprobs.content.push(...content)
    if (Array.isArray(refusal)) parts.logprobs.refusal.push(...refusal)
    this.#chars += 64 * ((Array.isArray(content) ? content.length : 0) + (Array.isArray(refusal) ? refusal.length : 0))
  }

  #giveUp(): void {
    this.#isUnusable = true
    this.#choices.clear()
  }
}

function choiceOf(index: number, parts: ChoiceParts): Choice | null {
  if (parts.finishReason === null) return null
  const message: Choice['message'] = {
    role: 'assistant',
    content: parts.hasContent ? parts.content.join('') : null,
  }
  if (parts.refusal.length > 0) message.refusal = parts.refusal.join('')
  if (parts.toolCalls.size > 0) {
    const calls: NonNullable<Choice['message']['tool_calls']> = []
    for (const [, tool] of [...parts.toolCalls].sort(([a], [b]) => a - b)) {
      if (tool.id === undefined || tool.name === '') return null
      calls.push({ id: tool.id, type: 'function', function: { name: tool.name, arguments: tool.args.join('') } })
    }
    message.tool_calls = calls
  }
  const choice: Choice = { index, message, finish_reason: parts.finishReason }
  if (parts.logprobs !== null) choice.logprobs = parts.logprobs
  return choice
}
