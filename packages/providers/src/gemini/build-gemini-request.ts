import type { ChatCompletionRequest, ChatTool, ChatToolChoice } from '@switchyard/contracts'
import type { CallContext, UpstreamRequest } from '../provider-adapter.ts'
import { toGeminiContents } from './gemini-contents.ts'
import { toGeminiSchema } from './gemini-schema.ts'
import type { GeminiFunctionDeclaration, GeminiGenerationConfig, GeminiRequest } from './gemini-wire.ts'

const DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com'

/** `{base}/v1beta/models/{model}:{method}`; a model id given as `models/x` is accepted too. */
export function geminiModelUrl(context: CallContext<'gemini'>, method: string): string {
  const base = (context.target.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')
  const model = context.upstreamModel.replace(/^models\//, '')
  return `${base}/v1beta/models/${encodeURIComponent(model)}:${method}`
}

export function buildGeminiChatRequest(
  request: ChatCompletionRequest,
  context: CallContext<'gemini'>,
): UpstreamRequest {
  const isStream = request.stream === true
  return {
    method: 'POST',
    url: geminiModelUrl(context, isStream ? 'streamGenerateContent?alt=sse' : 'generateContent'),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(toGeminiRequest(request)),
  }
}

/** Canonical chat request → Gemini `generateContent` body. Throws a 400 `UpstreamError` for what Gemini cannot take. */
export function toGeminiRequest(request: ChatCompletionRequest): GeminiRequest {
  const { contents, systemInstruction } = toGeminiContents(request.messages)
  const body: GeminiRequest = { contents }
  if (systemInstruction !== undefined) body.systemInstruction = systemInstruction
  const tools = request.tools ?? []
  if (tools.length > 0) {
    body.tools = [{ functionDeclarations: tools.map(toFunctionDeclaration) }]
    if (request.tool_choice !== undefined)
      body.toolConfig = { functionCallingConfig: toCallingConfig(request.tool_choice) }
  }
  const generationConfig = toGenerationConfig(request)
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig
  return body
}

function toFunctionDeclaration(tool: ChatTool, index: number): GeminiFunctionDeclaration {
  const { name, description, parameters } = tool.function
  const declaration: GeminiFunctionDeclaration = { name }
  if (description !== undefined) declaration.description = description
  // Gemini refuses an OBJECT with no properties; a function without arguments has no parameters.
  const properties = parameters?.properties
  const hasProperties = typeof properties === 'object' && properties !== null && Object.keys(properties).length > 0
  if (parameters !== undefined && hasProperties) {
    declaration.parameters = toGeminiSchema(parameters, `tools[${index}].function.parameters`)
  }
  return declaration
}

function toCallingConfig(choice: ChatToolChoice): NonNullable<GeminiRequest['toolConfig']>['functionCallingConfig'] {
  if (choice === 'none') return { mode: 'NONE' }
  if (choice === 'auto') return { mode: 'AUTO' }
  if (choice === 'required') return { mode: 'ANY' }
  return { mode: 'ANY', allowedFunctionNames: [choice.function.name] }
}

function toGenerationConfig(request: ChatCompletionRequest): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {}
  const maxTokens = request.max_completion_tokens ?? request.max_tokens
  if (maxTokens != null) config.maxOutputTokens = maxTokens
  if (request.stop != null) config.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop
  if (request.temperature != null) config.temperature = request.temperature
  if (request.top_p != null) config.topP = request.top_p
  if (request.seed != null) config.seed = request.seed
  if (request.n != null) config.candidateCount = request.n
  const format = request.response_format
  if (format?.type === 'json_object' || format?.type === 'json_schema') config.responseMimeType = 'application/json'
  if (format?.type === 'json_schema' && format.json_schema.schema !== undefined) {
    config.responseSchema = toGeminiSchema(format.json_schema.schema, 'response_format.json_schema.schema')
  }
  return config
}
