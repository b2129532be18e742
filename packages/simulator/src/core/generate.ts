import type { Scenario } from '../scenarios/scenario.ts'
import { composeAnswer } from './compose-answer.ts'
import type { GenerationRequest, ToolSpec } from './generation-request.ts'
import { hashTag, hashText, mixHash } from './hash.ts'
import { sampleJsonSchema } from './sample-json-schema.ts'
import { countTokens, splitTokens } from './tokenizer.ts'

export type FinishReason = 'stop' | 'stop_sequence' | 'length' | 'tool_calls' | 'content_filter'

export interface GeneratedToolCall {
  /** Deterministic id material; each provider adds its own prefix. */
  readonly idTag: string
  readonly name: string
  readonly input: unknown
  /** `input` as JSON, and the same JSON cut into one piece per token for streaming. */
  readonly arguments: string
  readonly argumentPieces: readonly string[]
}

export interface GeneratedChoice {
  readonly index: number
  readonly text: string
  /** `text` cut into one piece per token: streams send one piece per chunk. */
  readonly textPieces: readonly string[]
  readonly toolCalls: readonly GeneratedToolCall[]
  readonly finishReason: FinishReason
  readonly stopSequence: string | null
  /** Tokenizer count of what this choice returns: text, tool names and arguments. */
  readonly outputTokens: number
}

export interface TokenUsage {
  /** The whole prompt, cached part included. */
  readonly inputTokens: number
  readonly cachedInputTokens: number
  readonly cacheWriteInputTokens: number
  /** Visible output of all choices; reasoning comes on top. */
  readonly outputTokens: number
  readonly reasoningTokens: number
}

export interface Generation {
  readonly choices: readonly GeneratedChoice[]
  readonly usage: TokenUsage
}

/** The answer to a request: a pure function of the request and the scenario. */
export function generate(request: GenerationRequest, scenario: Scenario | undefined): Generation {
  const seed = hashText(request.seedText)
  const choices: GeneratedChoice[] = []
  let outputTokens = 0
  for (let index = 0; index < request.choiceCount; index += 1) {
    const choice = generateChoice(request, scenario, index === 0 ? seed : mixHash(seed, index), index)
    choices.push(choice)
    outputTokens += choice.outputTokens
  }
  // Cached and cache-write tokens are parts of the prompt, so they never exceed it.
  const cachedInputTokens = Math.min(scenario?.cachedInputTokens ?? 0, request.inputTokens)
  const cacheWriteInputTokens = Math.min(scenario?.cacheWriteInputTokens ?? 0, request.inputTokens - cachedInputTokens)
  return {
    choices,
    usage: {
      inputTokens: request.inputTokens,
      cachedInputTokens,
      cacheWriteInputTokens,
      outputTokens,
      reasoningTokens: scenario?.reasoningTokens ?? 0,
    },
  }
}

function generateChoice(
  request: GenerationRequest,
  scenario: Scenario | undefined,
  seed: number,
  index: number,
): GeneratedChoice {
  const tools = toolsToCall(request)
  if (tools.length > 0) {
    const toolCalls = tools.map((tool, position) => callTool(tool, mixHash(seed, 1000 + position)))
    let outputTokens = 0
    for (const call of toolCalls) outputTokens += countTokens(call.name) + call.argumentPieces.length
    const finishReason = scenario?.finishReason ?? 'tool_calls'
    return { index, text: '', textPieces: [], toolCalls, finishReason, stopSequence: null, outputTokens }
  }
  let pieces = splitTokens(composeAnswer(request, scenario?.outputTokens, seed))
  let finishReason: FinishReason = 'stop'
  let stopSequence: string | null = null
  if (request.maxOutputTokens !== undefined && pieces.length > request.maxOutputTokens) {
    pieces = pieces.slice(0, request.maxOutputTokens)
    finishReason = 'length'
  }
  let text = pieces.join('')
  const stop = findStop(text, request.stopSequences)
  if (stop !== undefined) {
    pieces = splitTokens(text.slice(0, stop.at))
    text = pieces.join('')
    finishReason = 'stop_sequence'
    stopSequence = stop.sequence
  }
  return {
    index,
    text,
    textPieces: pieces,
    toolCalls: [],
    finishReason: scenario?.finishReason ?? finishReason,
    stopSequence,
    outputTokens: pieces.length,
  }
}

/** Tools are called when offered, not refused, and the user spoke last. */
function toolsToCall(request: GenerationRequest): readonly ToolSpec[] {
  const { tools, toolChoice } = request
  if (tools.length === 0 || toolChoice.mode === 'none' || request.lastTurn.kind !== 'user') return []
  if (toolChoice.mode === 'named') {
    const named = tools.find((tool) => tool.name === toolChoice.name)
    return [named ?? { name: toolChoice.name, schema: {} }]
  }
  return request.isParallelToolCalls && tools.length >= 2 ? tools.slice(0, 2) : tools.slice(0, 1)
}

function callTool(tool: ToolSpec, seed: number): GeneratedToolCall {
  const sampled = sampleJsonSchema(tool.schema, seed)
  const input = typeof sampled === 'object' && sampled !== null && !Array.isArray(sampled) ? sampled : {}
  const json = JSON.stringify(input)
  return { idTag: hashTag(seed), name: tool.name, input, arguments: json, argumentPieces: splitTokens(json) }
}

function findStop(text: string, stopSequences: readonly string[]): { at: number; sequence: string } | undefined {
  let found: { at: number; sequence: string } | undefined
  for (const sequence of stopSequences) {
    if (sequence === '') continue
    const at = text.indexOf(sequence)
    if (at >= 0 && (found === undefined || at < found.at)) found = { at, sequence }
  }
  return found
}
