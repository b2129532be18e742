import { z } from 'zod'
import type { GeminiSchema } from './gemini-schema.ts'

/**
 * Gemini `generateContent` wire shapes: only the fields we write or read. Requests are typed
 * (we build them); responses are zod-parsed at the boundary.
 */

export type GeminiPart =
  | { text: string }
  | { inlineData: { mimeType: string; data: string } }
  | { fileData: { mimeType?: string; fileUri: string } }
  | { functionCall: { name: string; args: Record<string, unknown> }; thoughtSignature?: string }
  | { functionResponse: { name: string; response: Record<string, unknown> } }

export interface GeminiContent {
  role: 'user' | 'model'
  parts: GeminiPart[]
}

export interface GeminiFunctionDeclaration {
  name: string
  description?: string
  parameters?: GeminiSchema
}

export interface GeminiGenerationConfig {
  maxOutputTokens?: number
  stopSequences?: string[]
  temperature?: number
  topP?: number
  seed?: number
  candidateCount?: number
  responseMimeType?: string
  responseSchema?: GeminiSchema
}

export interface GeminiRequest {
  contents: GeminiContent[]
  systemInstruction?: { parts: { text: string }[] }
  tools?: { functionDeclarations: GeminiFunctionDeclaration[] }[]
  toolConfig?: {
    functionCallingConfig: { mode: 'AUTO' | 'NONE' | 'ANY'; allowedFunctionNames?: string[] }
  }
  generationConfig?: GeminiGenerationConfig
}

const Count = z.int().nonnegative()

export const GeminiResponsePart = z.looseObject({
  text: z.string().optional(),
  /** A thought summary, not part of the answer. */
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  functionCall: z
    .looseObject({ name: z.string().min(1), args: z.record(z.string(), z.unknown()).nullish() })
    .optional(),
})
export type GeminiResponsePart = z.infer<typeof GeminiResponsePart>

export const GeminiUsageMetadata = z.looseObject({
  /** Includes `cachedContentTokenCount`. */
  promptTokenCount: Count.optional(),
  cachedContentTokenCount: Count.optional(),
  /** Excludes `thoughtsTokenCount`. */
  candidatesTokenCount: Count.optional(),
  thoughtsTokenCount: Count.optional(),
  /** Results of built-in tools fed back as input; not part of `promptTokenCount`. */
  toolUsePromptTokenCount: Count.optional(),
})
export type GeminiUsageMetadata = z.infer<typeof GeminiUsageMetadata>

export const GeminiCandidate = z.looseObject({
  index: Count.optional(),
  content: z.looseObject({ parts: z.array(GeminiResponsePart).optional() }).optional(),
  finishReason: z.string().optional(),
})
export type GeminiCandidate = z.infer<typeof GeminiCandidate>

/** One `generateContent` answer, or one event of its `alt=sse` stream. */
export const GeminiResponse = z.looseObject({
  candidates: z.array(GeminiCandidate).optional(),
  promptFeedback: z.looseObject({ blockReason: z.string().optional() }).optional(),
  usageMetadata: GeminiUsageMetadata.optional(),
  modelVersion: z.string().optional(),
})
export type GeminiResponse = z.infer<typeof GeminiResponse>

export const GeminiErrorBody = z.looseObject({
  error: z.looseObject({
    code: z.int().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    details: z.array(z.unknown()).optional(),
  }),
})
export type GeminiErrorBody = z.infer<typeof GeminiErrorBody>
