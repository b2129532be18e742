import type { ChatContentPart, ChatMessage, ChatToolCall } from '@switchyard/contracts'
import { invalidRequestError } from '../adapter-errors.ts'
import { parseDataUrl, parseToolArguments } from '../canonical-content.ts'
import type { AnthropicMessage, AnthropicRequestBlock, AnthropicSource, AnthropicTextBlock } from './anthropic-wire.ts'

type TextContent = string | readonly { readonly text: string }[]

function textOf(content: TextContent): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('\n')
}

/** Anthropic refuses empty text blocks, so empty text is left out. */
function textBlocks(text: string): AnthropicTextBlock[] {
  return text === '' ? [] : [{ type: 'text', text }]
}

function sourceOf(url: string, param: string): AnthropicSource {
  const data = parseDataUrl(url)
  if (data !== undefined) return { type: 'base64', media_type: data.mediaType, data: data.data }
  if (/^https?:\/\//i.test(url)) return { type: 'url', url }
  throw invalidRequestError('Images must be https:// URLs or base64 data: URLs for this provider.', param)
}

function userPartBlocks(part: ChatContentPart, param: string): AnthropicRequestBlock[] {
  if (part.type === 'text') return textBlocks(part.text)
  if (part.type === 'image_url')
    return [{ type: 'image', source: sourceOf(part.image_url.url, `${param}.image_url.url`) }]
  if (part.type === 'file' && typeof part.file.file_data === 'string') {
    return [{ type: 'document', source: sourceOf(part.file.file_data, `${param}.file.file_data`) }]
  }
  throw invalidRequestError(`Content parts of type ${part.type} are not supported by this provider.`, param)
}

function toolUseBlock(call: ChatToolCall, param: string): AnthropicRequestBlock {
  const input = parseToolArguments(call.function.arguments, `${param}.function.arguments`)
  return { type: 'tool_use', id: call.id, name: call.function.name, input }
}

/** One canonical message as Anthropic content blocks, or null for a system/developer message. */
function blocksOf(message: ChatMessage, param: string): AnthropicRequestBlock[] | null {
  switch (message.role) {
    case 'system':
    case 'developer':
      return null
    case 'user':
      if (typeof message.content === 'string') return textBlocks(message.content)
      return message.content.flatMap((part, index) => userPartBlocks(part, `${param}.content[${index}]`))
    case 'assistant': {
      const { content } = message
      const text =
        typeof content === 'string'
          ? content
          : (content ?? []).map((part) => ('text' in part ? part.text : part.refusal)).join('')
      const calls = (message.tool_calls ?? []).map((call, index) => toolUseBlock(call, `${param}.tool_calls[${index}]`))
      return [...textBlocks(text), ...calls]
    }
    case 'tool': {
      const text = textOf(message.content)
      return [{ type: 'tool_result', tool_use_id: message.tool_call_id, ...(text === '' ? {} : { content: text }) }]
    }
  }
}

/**
 * Canonical messages → Anthropic's top-level `system` and alternating turns: system and developer
 * messages join the system prompt; tool results become `tool_result` blocks in a user turn; messages
 * of the same role in a row (several tool results, a tool result then a user message) merge into
 * one turn. A turn that is one text block is sent as a plain string.
 */
export function toAnthropicMessages(messages: readonly ChatMessage[]): {
  system: string | undefined
  messages: AnthropicMessage[]
} {
  const system: string[] = []
  const turns: { role: 'user' | 'assistant'; content: AnthropicRequestBlock[] }[] = []
  messages.forEach((message, index) => {
    const blocks = blocksOf(message, `messages[${index}]`)
    if (blocks === null) {
      if (message.role === 'system' || message.role === 'developer') system.push(textOf(message.content))
      return
    }
    if (blocks.length === 0) return
    const role = message.role === 'assistant' ? 'assistant' : 'user'
    const last = turns.at(-1)
    if (last?.role === role) last.content.push(...blocks)
    else turns.push({ role, content: blocks })
  })
  const simplified = turns.map(({ role, content }) => {
    const [only] = content
    return content.length === 1 && only?.type === 'text' ? { role, content: only.text } : { role, content }
  })
  const systemText = system.filter((text) => text !== '').join('\n\n')
  return { system: systemText === '' ? undefined : systemText, messages: simplified }
}
