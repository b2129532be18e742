import type { ChatCompletionRequest } from '@switchyard/contracts'
import { invalidRequestError } from '../adapter-errors.ts'
import { toAnthropicMessages } from './anthropic-messages.ts'
import type { AnthropicTool, AnthropicToolChoice } from './anthropic-wire.ts'

/** Anthropic requires `max_tokens`; this is what we ask for when the client set no limit. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096

/**
 * Anthropic has no JSON mode: `response_format` json_object/json_schema is emulated with one tool,
 * forced, whose input is the answer. Its tool call comes back as the message content.
 */
export const JSON_RESPONSE_TOOL_NAME = 'respond_with_json'

function toolChoiceOf(request: ChatCompletionRequest, hasTools: boolean): AnthropicToolChoice | undefined {
  const parallel = request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {}
  const choice = request.tool_choice
  if (choice === undefined)
    return hasTools && request.parallel_tool_calls === false ? { type: 'auto', ...parallel } : undefined
  if (choice === 'none') return { type: 'none' }
  if (choice === 'auto') return { type: 'auto', ...parallel }
  if (choice === 'required') return { type: 'any', ...parallel }
  return { type: 'tool', name: choice.function.name, ...parallel }
}

function toolsOf(request: ChatCompletionRequest): { tools?: AnthropicTool[]; tool_choice?: AnthropicToolChoice } {
  const format = request.response_format
  if (format !== undefined && format.type !== 'text') {
    if (request.tools !== undefined && request.tools.length > 0) {
      throw invalidRequestError(
        'response_format together with tools is not supported for this provider.',
        'response_format',
      )
    }
    const schema = format.type === 'json_schema' ? format.json_schema : undefined
    const tool: AnthropicTool = {
      name: JSON_RESPONSE_TOOL_NAME,
      description: schema?.description ?? 'Give your answer as this JSON object.',
      input_schema: schema?.schema ?? { type: 'object' },
    }
    return { tools: [tool], tool_choice: { type: 'tool', name: JSON_RESPONSE_TOOL_NAME } }
  }
  if (request.tools === undefined || request.tools.length === 0) return {}
  const tools = request.tools.map(({ function: fn }) => ({
    name: fn.name,
    ...(fn.description === undefined ? {} : { description: fn.description }),
    input_schema: fn.parameters ?? { type: 'object', properties: {} },
  }))
  const toolChoice = toolChoiceOf(request, true)
  return toolChoice === undefined ? { tools } : { tools, tool_choice: toolChoice }
}

const stopSequencesOf = (stop: ChatCompletionRequest['stop']) =>
  stop === null || stop === undefined ? undefined : typeof stop === 'string' ? [stop] : stop

/**
 * Canonical request → Messages API body. Fields Anthropic has no counterpart for (seed,
 * penalties, logprobs, logit_bias, n = 1) are left out; n > 1 is refused. Temperature passes
 * as is (Anthropic allows 0–1 and answers a 400 above that).
 */
export function buildAnthropicBody(request: ChatCompletionRequest, model: string): Record<string, unknown> {
  if (request.n !== null && request.n !== undefined && request.n > 1) {
    throw invalidRequestError('This provider returns one choice per request: n must be 1.', 'n')
  }
  const { system, messages } = toAnthropicMessages(request.messages)
  const optional: Record<string, unknown> = {
    system,
    stop_sequences: stopSequencesOf(request.stop),
    temperature: request.temperature ?? undefined,
    top_p: request.top_p ?? undefined,
    metadata: request.user === undefined ? undefined : { user_id: request.user },
    stream: request.stream === true ? true : undefined,
    ...toolsOf(request),
  }
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS
  const body: Record<string, unknown> = { model, max_tokens: maxTokens, messages }
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) body[key] = value
  return body
}
