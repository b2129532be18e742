/**
 * What every provider's request is reduced to before the simulator answers it. Each provider
 * folder parses its wire format into this shape; `generate` only ever reads this.
 */

export interface ToolSpec {
  readonly name: string
  /** The tool's JSON Schema for its arguments (OpenAPI-style upper-case types are accepted). */
  readonly schema: unknown
}

export type ToolChoice =
  | { readonly mode: 'auto' | 'none' | 'required' }
  | { readonly mode: 'named'; readonly name: string }

/** What the conversation ends with, which decides the kind of answer. */
export type LastTurn =
  | { readonly kind: 'user' }
  | { readonly kind: 'tool_result'; readonly text: string }
  | { readonly kind: 'other' }

export type OutputFormat = { readonly kind: 'text' } | { readonly kind: 'json'; readonly schema: unknown }

export interface GenerationRequest {
  /** Tokenizer count of all text in system prompt, messages and tool definitions. */
  readonly inputTokens: number
  /** Text of the last user message: the seed of the words picked. */
  readonly seedText: string
  readonly lastTurn: LastTurn
  /** Images anywhere in the input, acknowledged in the answer. */
  readonly imageCount: number
  readonly tools: readonly ToolSpec[]
  readonly toolChoice: ToolChoice
  readonly isParallelToolCalls: boolean
  readonly maxOutputTokens: number | undefined
  readonly stopSequences: readonly string[]
  readonly outputFormat: OutputFormat
  readonly choiceCount: number
}

export const textOutput: OutputFormat = { kind: 'text' }
export const autoToolChoice: ToolChoice = { mode: 'auto' }
