import { sseFrame } from '../server/sse.ts'
import {
  type AnthropicReplyInput,
  anthropicStopReason,
  anthropicUsage,
  toolUseId,
  totalOutputTokens,
} from './anthropic-message.ts'

function event(type: string, data: object): string {
  return sseFrame(JSON.stringify(data), type)
}

/**
 * The SSE events of a streamed message: `message_start`, then per content block
 * `content_block_start` (a `ping` after the first), one delta per token, `content_block_stop`;
 * then `message_delta` with the stop reason and output tokens, and `message_stop`.
 */
export function messageEventFrames(input: AnthropicReplyInput): string[] {
  const { choice, usage } = input
  const outputTokens = totalOutputTokens(usage)
  const frames = [
    event('message_start', {
      type: 'message_start',
      message: {
        id: input.id,
        type: 'message',
        role: 'assistant',
        model: input.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: anthropicUsage(usage, Math.min(1, outputTokens)),
      },
    }),
  ]
  const startBlock = (index: number, block: object) => {
    frames.push(event('content_block_start', { type: 'content_block_start', index, content_block: block }))
    if (index === 0) frames.push(event('ping', { type: 'ping' }))
  }
  const delta = (index: number, body: object) =>
    frames.push(event('content_block_delta', { type: 'content_block_delta', index, delta: body }))
  const stopBlock = (index: number) => frames.push(event('content_block_stop', { type: 'content_block_stop', index }))

  if (choice.toolCalls.length > 0) {
    choice.toolCalls.forEach((call, index) => {
      startBlock(index, { type: 'tool_use', id: toolUseId(call), name: call.name, input: {} })
      for (const piece of call.argumentPieces) delta(index, { type: 'input_json_delta', partial_json: piece })
      stopBlock(index)
    })
  } else if (choice.textPieces.length > 0) {
    startBlock(0, { type: 'text', text: '' })
    for (const piece of choice.textPieces) delta(0, { type: 'text_delta', text: piece })
    stopBlock(0)
  }
  frames.push(
    event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: anthropicStopReason(choice.finishReason), stop_sequence: choice.stopSequence },
      usage: { output_tokens: outputTokens },
    }),
    event('message_stop', { type: 'message_stop' }),
  )
  return frames
}
