import { ChatToolCall, ChatUsage } from '@switchyard/contracts'
import { z } from 'zod'

/**
 * The OpenAI chat-completions dialect as servers actually send it: only the fields we read, and
 * lenient where compatible servers differ from OpenAI (nulls for absent fields, a tool-call delta
 * without `index`, finish reasons of their own). The translation to the canonical types, which
 * are strict about those, happens in the parse and decode functions.
 */

const WireMessage = z.looseObject({
  content: z.string().nullish(),
  refusal: z.string().nullish(),
  tool_calls: z.array(ChatToolCall).nullish(),
})

export const OpenAIChatResponse = z.looseObject({
  id: z.string(),
  created: z.int(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.int().nonnegative(),
      message: WireMessage,
      finish_reason: z.string().nullish(),
      logprobs: z.unknown().optional(),
    }),
  ),
  usage: ChatUsage.nullish(),
  system_fingerprint: z.string().nullish(),
})
export type OpenAIChatResponse = z.infer<typeof OpenAIChatResponse>

const WireToolCallDelta = z.looseObject({
  index: z.int().nonnegative().nullish(),
  id: z.string().nullish(),
  type: z.literal('function').nullish(),
  function: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
})
export type OpenAIToolCallDelta = z.infer<typeof WireToolCallDelta>

export const OpenAIChatChunk = z.looseObject({
  id: z.string(),
  created: z.int(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.int().nonnegative(),
      delta: z
        .looseObject({
          role: z.string().nullish(),
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          tool_calls: z.array(WireToolCallDelta).nullish(),
        })
        .nullish(),
      finish_reason: z.string().nullish(),
      logprobs: z.unknown().optional(),
    }),
  ),
  usage: ChatUsage.nullish(),
  system_fingerprint: z.string().nullish(),
})
export type OpenAIChatChunk = z.infer<typeof OpenAIChatChunk>

/** `{"error": {...}}`: OpenAI, Azure and most compatible servers. */
export const OpenAIErrorBody = z.looseObject({
  error: z.looseObject({
    message: z.unknown().optional(),
    type: z.string().nullish(),
    code: z.union([z.string(), z.number()]).nullish(),
    param: z.string().nullish(),
    innererror: z.looseObject({ code: z.string().nullish() }).nullish(),
  }),
})

/** What other compatible servers send: `{"error": "..."}`, `{"message": ...}`, `{"detail": ...}`. */
export const LooseErrorBody = z.looseObject({
  error: z.string().optional(),
  message: z.unknown().optional(),
  detail: z.unknown().optional(),
  type: z.string().nullish(),
})
