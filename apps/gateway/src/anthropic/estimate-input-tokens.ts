import type { AnthropicCountTokensRequest } from '@switchyard/contracts'

const CHARS_PER_TOKEN = 4
/** About what Anthropic charges for a ~1 megapixel image. */
const TOKENS_PER_IMAGE = 1_600
/** Role and separators around each turn. */
const TOKENS_PER_MESSAGE = 4

/**
 * A cheap estimate for `count_tokens`: characters / 4 over text, tool inputs and tool schemas,
 * plus a flat count per image. No tokenizer and no provider call, so it is only roughly right;
 * clients use it to budget context, not to bill (billing uses the provider's reported usage).
 */
export function estimateInputTokens(body: AnthropicCountTokensRequest): number {
  let chars = 0
  let images = 0
  for (const block of body.system ?? []) chars += block.text.length
  if (body.tools !== undefined) chars += JSON.stringify(body.tools).length
  for (const message of body.messages) {
    for (const block of message.content) {
      if (block.type === 'text') chars += block.text.length
      else if (block.type === 'image') images += 1
      else if (block.type === 'tool_use') chars += block.name.length + JSON.stringify(block.input).length
      else if (block.type === 'tool_result') {
        for (const part of block.content ?? []) {
          if (part.type === 'text') chars += part.text.length
          else images += 1
        }
      }
    }
  }
  return Math.ceil(chars / CHARS_PER_TOKEN) + images * TOKENS_PER_IMAGE + body.messages.length * TOKENS_PER_MESSAGE
}
