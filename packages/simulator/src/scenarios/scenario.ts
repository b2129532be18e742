import { z } from 'zod'

/** Each provider's own name for a finish reason, mapped to the simulator's canonical one. */
const finishReasonAliases = {
  stop: 'stop',
  end_turn: 'stop',
  STOP: 'stop',
  length: 'length',
  max_tokens: 'length',
  MAX_TOKENS: 'length',
  content_filter: 'content_filter',
  content_filtered: 'content_filter',
  SAFETY: 'content_filter',
  refusal: 'content_filter',
  tool_calls: 'tool_calls',
  tool_use: 'tool_calls',
} as const

type FinishReasonAlias = keyof typeof finishReasonAliases
const finishReasonNames = Object.keys(finishReasonAliases) as [FinishReasonAlias, ...FinishReasonAlias[]]

const tokenCount = z.number().int().nonnegative().max(1_000_000)
const chunkCount = z.number().int().nonnegative()
const durationMs = z.number().nonnegative().max(600_000)

export const ScenarioError = z.strictObject({
  status: z.number().int().min(400).max(599),
  /** Sent as is (a string verbatim, anything else as JSON); defaults to the provider's error shape. */
  body: z.unknown().optional(),
  retryAfterSeconds: z.number().nonnegative().max(86_400).optional(),
})
export type ScenarioError = z.output<typeof ScenarioError>

/** How the simulator misbehaves for one model (or one request, through the header). */
export const Scenario = z.strictObject({
  /** Delay before the response headers. */
  latencyMs: durationMs.optional(),
  /** Delay between the headers and the first stream chunk. */
  ttftMs: durationMs.optional(),
  /** Stream pacing: one chunk every 1000 / tokensPerSecond ms. */
  tokensPerSecond: z.number().positive().max(1_000_000).optional(),
  /** Exact length of a text answer (before the max-tokens cap); bounded, as streams are built whole. */
  outputTokens: z.number().int().nonnegative().max(100_000).optional(),
  /** Answer with this error (every request, or only the first `failFirstN`). */
  error: ScenarioError.optional(),
  /** Fail only the first N requests for this key, then succeed. */
  failFirstN: chunkCount.optional(),
  /** Close the connection mid-stream after N chunks. */
  resetAfterChunks: chunkCount.optional(),
  /** Stop sending after N chunks and keep the connection open. */
  stallAfterChunks: chunkCount.optional(),
  cachedInputTokens: tokenCount.optional(),
  cacheWriteInputTokens: tokenCount.optional(),
  reasoningTokens: tokenCount.optional(),
  /** Reported finish reason; canonical or any provider's own name for it. */
  finishReason: z
    .enum(finishReasonNames)
    .transform((name) => finishReasonAliases[name])
    .optional(),
})

export type Scenario = z.output<typeof Scenario>
export type ScenarioInput = z.input<typeof Scenario>
