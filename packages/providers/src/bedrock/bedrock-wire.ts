import { z } from 'zod'

/**
 * Bedrock Converse / ConverseStream wire shapes: only the fields we write or read. Requests are
 * typed (we build them); responses and stream event payloads are zod-parsed at the boundary.
 */

export type BedrockImageFormat = 'png' | 'jpeg' | 'gif' | 'webp'

export type BedrockContentBlock =
  | { text: string }
  | { image: { format: BedrockImageFormat; source: { bytes: string } } }
  | { toolUse: { toolUseId: string; name: string; input: unknown } }
  | { toolResult: { toolUseId: string; content: { text: string }[] } }

export interface BedrockMessage {
  role: 'user' | 'assistant'
  content: BedrockContentBlock[]
}

export interface BedrockToolConfig {
  tools: { toolSpec: { name: string; description?: string; inputSchema: { json: Record<string, unknown> } } }[]
  toolChoice?: { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } }
}

export interface BedrockInferenceConfig {
  maxTokens?: number
  temperature?: number
  topP?: number
  stopSequences?: string[]
}

export interface BedrockConverseRequest {
  messages: BedrockMessage[]
  system?: { text: string }[]
  inferenceConfig?: BedrockInferenceConfig
  toolConfig?: BedrockToolConfig
}

const Count = z.int().nonnegative()

export const BedrockUsage = z.looseObject({
  /** Excludes the cache reads and writes, which come separately. */
  inputTokens: Count,
  outputTokens: Count,
  cacheReadInputTokens: Count.nullish(),
  cacheWriteInputTokens: Count.nullish(),
})
export type BedrockUsage = z.infer<typeof BedrockUsage>

const ToolUseBlock = z.looseObject({ toolUseId: z.string().min(1), name: z.string().min(1), input: z.unknown() })

export const ConverseResponse = z.looseObject({
  output: z.looseObject({
    message: z
      .looseObject({
        content: z.array(z.looseObject({ text: z.string().optional(), toolUse: ToolUseBlock.optional() })),
      })
      .optional(),
  }),
  stopReason: z.string(),
  usage: BedrockUsage,
})
export type ConverseResponse = z.infer<typeof ConverseResponse>

/** ConverseStream event payloads, keyed by the frame's `:event-type` header. */
export const ConverseStreamEvents = {
  messageStart: z.looseObject({ role: z.string().optional() }),
  contentBlockStart: z.looseObject({
    contentBlockIndex: Count,
    start: z.looseObject({
      toolUse: z.looseObject({ toolUseId: z.string().min(1), name: z.string().min(1) }).optional(),
    }),
  }),
  contentBlockDelta: z.looseObject({
    contentBlockIndex: Count,
    delta: z.looseObject({
      text: z.string().optional(),
      toolUse: z.looseObject({ input: z.string() }).optional(),
    }),
  }),
  contentBlockStop: z.looseObject({ contentBlockIndex: Count }),
  messageStop: z.looseObject({ stopReason: z.string() }),
  metadata: z.looseObject({ usage: BedrockUsage }),
} as const
