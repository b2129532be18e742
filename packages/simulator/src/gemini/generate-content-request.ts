import type { GenerationRequest, LastTurn, OutputFormat, ToolChoice, ToolSpec } from '../core/generation-request.ts'
import { autoToolChoice, textOutput } from '../core/generation-request.ts'
import { countTokens } from '../core/tokenizer.ts'
import type { GeminiContent, GeminiPart, GenerateContentRequest } from './gemini-schema.ts'

function partTokens(part: GeminiPart): number {
  let tokens = part.text === undefined ? 0 : countTokens(part.text)
  if (part.functionCall !== undefined) {
    tokens += countTokens(part.functionCall.name) + countTokens(JSON.stringify(part.functionCall.args ?? {}))
  }
  if (part.functionResponse !== undefined) {
    tokens +=
      countTokens(part.functionResponse.name) + countTokens(JSON.stringify(part.functionResponse.response ?? {}))
  }
  return tokens
}

function isImage(part: GeminiPart): boolean {
  const mimeType = part.inlineData?.mimeType ?? part.fileData?.mimeType
  return mimeType?.startsWith('image/') === true
}

function toolSpecs(body: GenerateContentRequest): ToolSpec[] {
  const specs: ToolSpec[] = []
  for (const tool of body.tools ?? []) {
    for (const declaration of tool.functionDeclarations ?? []) {
      specs.push({ name: declaration.name, schema: declaration.parametersJsonSchema ?? declaration.parameters ?? {} })
    }
  }
  return specs
}

/** Tokenizer count of the system instruction, the contents and the function declarations. */
export function countInputTokens(body: GenerateContentRequest): { inputTokens: number; imageCount: number } {
  let inputTokens = 0
  let imageCount = 0
  for (const part of body.systemInstruction?.parts ?? []) inputTokens += partTokens(part)
  for (const content of body.contents) {
    for (const part of content.parts) {
      inputTokens += partTokens(part)
      if (isImage(part)) imageCount += 1
    }
  }
  for (const tool of body.tools ?? []) {
    for (const declaration of tool.functionDeclarations ?? []) {
      inputTokens += countTokens(declaration.name) + countTokens(declaration.description ?? '')
      const schema = declaration.parametersJsonSchema ?? declaration.parameters
      if (schema !== undefined) inputTokens += countTokens(JSON.stringify(schema))
    }
  }
  return { inputTokens, imageCount }
}

/** Reduces a generateContent request to what the generator reads. */
export function toGenerationRequest(body: GenerateContentRequest): GenerationRequest {
  const { inputTokens, imageCount } = countInputTokens(body)
  let seedText = ''
  for (const content of body.contents) if (isUserContent(content)) seedText = contentText(content)
  const config = body.generationConfig
  return {
    inputTokens,
    seedText,
    lastTurn: lastTurnOf(body.contents.at(-1)),
    imageCount,
    tools: toolSpecs(body),
    toolChoice: toolChoiceOf(body),
    isParallelToolCalls: false,
    maxOutputTokens: config?.maxOutputTokens,
    stopSequences: config?.stopSequences ?? [],
    outputFormat: outputFormatOf(body),
    choiceCount: config?.candidateCount ?? 1,
  }
}

function isUserContent(content: GeminiContent): boolean {
  return content.role === undefined || content.role === 'user'
}

function contentText(content: GeminiContent): string {
  let text = ''
  for (const part of content.parts) text += part.text ?? ''
  return text
}

function lastTurnOf(content: GeminiContent | undefined): LastTurn {
  if (content === undefined || content.role === 'model') return { kind: 'other' }
  for (const part of content.parts) {
    if (part.functionResponse !== undefined) {
      return { kind: 'tool_result', text: JSON.stringify(part.functionResponse.response ?? {}) }
    }
  }
  return { kind: 'user' }
}

function toolChoiceOf(body: GenerateContentRequest): ToolChoice {
  const config = body.toolConfig?.functionCallingConfig
  if (config?.mode === 'NONE') return { mode: 'none' }
  if (config?.mode === 'ANY' || config?.mode === 'VALIDATED') {
    const [onlyName, ...others] = config.allowedFunctionNames ?? []
    return onlyName !== undefined && others.length === 0 ? { mode: 'named', name: onlyName } : { mode: 'required' }
  }
  return autoToolChoice
}

function outputFormatOf(body: GenerateContentRequest): OutputFormat {
  const config = body.generationConfig
  if (config?.responseMimeType !== 'application/json') return textOutput
  return { kind: 'json', schema: config.responseJsonSchema ?? config.responseSchema }
}
