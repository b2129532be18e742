import type { ChatCompletionRequest, ChatToolChoice } from '@switchyard/contracts'
import { invalidRequestError } from '../adapter-errors.ts'
import type { CallContext, UpstreamRequest } from '../provider-adapter.ts'
import { toBedrockMessages } from './bedrock-messages.ts'
import type { BedrockConverseRequest, BedrockInferenceConfig, BedrockToolConfig } from './bedrock-wire.ts'

/**
 * `https://bedrock-runtime.{region}.amazonaws.com/model/{model}/{operation}`, or the same path
 * under the target's endpoint override (a VPC or FIPS endpoint).
 */
export function bedrockModelUrl(context: CallContext<'bedrock'>, operation: 'converse' | 'converse-stream'): string {
  const base = (context.target.endpoint ?? `https://bedrock-runtime.${context.target.region}.amazonaws.com`).replace(
    /\/+$/,
    '',
  )
  return `${base}/model/${encodeURIComponent(context.upstreamModel)}/${operation}`
}

export function buildBedrockChatRequest(
  request: ChatCompletionRequest,
  context: CallContext<'bedrock'>,
): UpstreamRequest {
  const isStream = request.stream === true
  return {
    method: 'POST',
    url: bedrockModelUrl(context, isStream ? 'converse-stream' : 'converse'),
    headers: {
      'content-type': 'application/json',
      accept: isStream ? 'application/vnd.amazon.eventstream' : 'application/json',
    },
    body: JSON.stringify(toConverseRequest(request)),
  }
}

/** Canonical chat request → Converse body. Throws a 400 `UpstreamError` for what Converse cannot take. */
export function toConverseRequest(request: ChatCompletionRequest): BedrockConverseRequest {
  if (request.n != null && request.n > 1) {
    throw invalidRequestError('Bedrock Converse returns one choice: n must be 1', 'n')
  }
  const { system, messages } = toBedrockMessages(request.messages)
  const body: BedrockConverseRequest = { messages }
  if (system.length > 0) body.system = system
  const inferenceConfig = toInferenceConfig(request)
  if (Object.keys(inferenceConfig).length > 0) body.inferenceConfig = inferenceConfig
  const toolConfig = toToolConfig(request)
  if (toolConfig !== undefined) body.toolConfig = toolConfig
  return body
}

function toInferenceConfig(request: ChatCompletionRequest): BedrockInferenceConfig {
  const config: BedrockInferenceConfig = {}
  const maxTokens = request.max_completion_tokens ?? request.max_tokens
  if (maxTokens != null) config.maxTokens = maxTokens
  if (request.temperature != null) config.temperature = request.temperature
  if (request.top_p != null) config.topP = request.top_p
  if (request.stop != null) config.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop
  return config
}

/** Converse has no "none" choice: `tool_choice: "none"` sends no tools at all. */
function toToolConfig(request: ChatCompletionRequest): BedrockToolConfig | undefined {
  const tools = request.tools ?? []
  if (tools.length === 0 || request.tool_choice === 'none') return undefined
  const config: BedrockToolConfig = {
    tools: tools.map(({ function: { name, description, parameters } }) => ({
      toolSpec: {
        name,
        ...(description === undefined ? {} : { description }),
        inputSchema: { json: parameters ?? { type: 'object', properties: {} } },
      },
    })),
  }
  if (request.tool_choice !== undefined) config.toolChoice = toToolChoice(request.tool_choice)
  return config
}

function toToolChoice(choice: Exclude<ChatToolChoice, 'none'>): NonNullable<BedrockToolConfig['toolChoice']> {
  if (choice === 'auto') return { auto: {} }
  if (choice === 'required') return { any: {} }
  return { tool: { name: choice.function.name } }
}
