import type { GenerationRequest, LastTurn, ToolChoice, ToolSpec } from '../core/generation-request.ts'
import { autoToolChoice, textOutput } from '../core/generation-request.ts'
import { countTokens } from '../core/tokenizer.ts'
import type { ConverseContentBlock, ConverseMessage, ConverseRequest } from './converse-schema.ts'

function toolResultText(block: ConverseContentBlock): string {
  let text = ''
  for (const part of block.toolResult?.content ?? []) {
    if (part.text !== undefined) text += part.text
    else if (part.json !== undefined) text += JSON.stringify(part.json)
  }
  return text
}

function blockTokens(block: ConverseContentBlock): number {
  let tokens = block.text === undefined ? 0 : countTokens(block.text)
  if (block.toolUse !== undefined) {
    tokens += countTokens(block.toolUse.name) + countTokens(JSON.stringify(block.toolUse.input ?? {}))
  }
  if (block.toolResult !== undefined) tokens += countTokens(toolResultText(block))
  return tokens
}

function toolSpecs(body: ConverseRequest): ToolSpec[] {
  const specs: ToolSpec[] = []
  for (const tool of body.toolConfig?.tools ?? []) {
    if (tool.toolSpec !== undefined) specs.push({ name: tool.toolSpec.name, schema: tool.toolSpec.inputSchema.json })
  }
  return specs
}

/** Reduces a Converse request to what the generator reads. */
export function toGenerationRequest(body: ConverseRequest): GenerationRequest {
  let inputTokens = 0
  let imageCount = 0
  let seedText = ''
  for (const block of body.system ?? []) inputTokens += countTokens(block.text ?? '')
  for (const message of body.messages) {
    for (const block of message.content) {
      inputTokens += blockTokens(block)
      if (block.image !== undefined) imageCount += 1
    }
    if (message.role === 'user') seedText = messageText(message)
  }
  for (const tool of body.toolConfig?.tools ?? []) {
    const spec = tool.toolSpec
    if (spec === undefined) continue
    inputTokens += countTokens(spec.name) + countTokens(spec.description ?? '')
    inputTokens += countTokens(JSON.stringify(spec.inputSchema.json ?? {}))
  }
  const config = body.inferenceConfig
  return {
    inputTokens,
    seedText,
    lastTurn: lastTurnOf(body.messages.at(-1)),
    imageCount,
    tools: toolSpecs(body),
    toolChoice: toolChoiceOf(body.toolConfig?.toolChoice),
    isParallelToolCalls: false,
    maxOutputTokens: config?.maxTokens,
    stopSequences: config?.stopSequences ?? [],
    outputFormat: textOutput,
    choiceCount: 1,
  }
}

function messageText(message: ConverseMessage): string {
  let text = ''
  for (const block of message.content) text += block.text ?? ''
  return text
}

function lastTurnOf(message: ConverseMessage | undefined): LastTurn {
  if (message?.role !== 'user') return { kind: 'other' }
  for (const block of message.content) {
    if (block.toolResult !== undefined) return { kind: 'tool_result', text: toolResultText(block) }
  }
  return { kind: 'user' }
}

function toolChoiceOf(choice: NonNullable<ConverseRequest['toolConfig']>['toolChoice']): ToolChoice {
  if (choice?.tool !== undefined) return { mode: 'named', name: choice.tool.name }
  if (choice?.any !== undefined) return { mode: 'required' }
  return autoToolChoice
}
