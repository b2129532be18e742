import { z } from 'zod'

/** Only the generateContent fields the simulator reads (camelCase, as the SDKs send them). */

const Part = z.looseObject({
  text: z.string().optional(),
  inlineData: z.looseObject({ mimeType: z.string(), data: z.string() }).optional(),
  fileData: z.looseObject({ mimeType: z.string().optional(), fileUri: z.string() }).optional(),
  functionCall: z.looseObject({ name: z.string(), args: z.record(z.string(), z.unknown()).optional() }).optional(),
  functionResponse: z.looseObject({ name: z.string(), response: z.unknown() }).optional(),
})
export type GeminiPart = z.infer<typeof Part>

const Content = z.looseObject({
  role: z.enum(['user', 'model', 'function']).optional(),
  parts: z.array(Part),
})
export type GeminiContent = z.infer<typeof Content>

const FunctionDeclaration = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  parametersJsonSchema: z.unknown().optional(),
})

const FunctionCallingConfig = z.looseObject({
  mode: z.enum(['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']).optional(),
  allowedFunctionNames: z.array(z.string()).optional(),
})

const GenerationConfig = z.looseObject({
  maxOutputTokens: z.number().int().min(1).optional(),
  stopSequences: z.array(z.string()).max(5).optional(),
  responseMimeType: z.string().optional(),
  responseSchema: z.unknown().optional(),
  responseJsonSchema: z.unknown().optional(),
  candidateCount: z.number().int().min(1).max(8).optional(),
})

export const GenerateContentRequest = z.looseObject({
  contents: z.array(Content).min(1),
  systemInstruction: z.looseObject({ parts: z.array(Part) }).optional(),
  tools: z.array(z.looseObject({ functionDeclarations: z.array(FunctionDeclaration).optional() })).optional(),
  toolConfig: z.looseObject({ functionCallingConfig: FunctionCallingConfig.optional() }).optional(),
  generationConfig: GenerationConfig.optional(),
})
export type GenerateContentRequest = z.infer<typeof GenerateContentRequest>
