import type { ChatContentPart, ChatMessage } from '@switchyard/contracts'
import { invalidRequestError } from '../adapter-errors.ts'
import { parseDataUrl, parseToolArguments } from '../canonical-content.ts'
import type { BedrockContentBlock, BedrockImageFormat, BedrockMessage } from './bedrock-wire.ts'

const IMAGE_FORMATS: Readonly<Record<string, BedrockImageFormat>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
}

/**
 * Bedrock's `toolUseId` must match `[a-zA-Z0-9_-]{1,64}`; ids minted by other providers may not.
 * The same id maps the same way in the call and in its result, so the pair still matches.
 */
export function toToolUseId(id: string): string {
  return id.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64)
}

/**
 * Canonical messages → Converse `system` and `messages`. System and developer messages go to
 * `system` wherever they stand; tool results go in a user turn; consecutive turns of one role
 * are merged, as Converse wants turns to alternate.
 */
export function toBedrockMessages(messages: readonly ChatMessage[]): {
  system: { text: string }[]
  messages: BedrockMessage[]
} {
  const system: { text: string }[] = []
  const turns: BedrockMessage[] = []
  const push = (role: BedrockMessage['role'], content: BedrockContentBlock[]) => {
    if (content.length === 0) return
    const last = turns.at(-1)
    if (last?.role === role) last.content.push(...content)
    else turns.push({ role, content })
  }

  messages.forEach((message, index) => {
    const param = `messages[${index}]`
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = textOf(message.content)
        if (text !== '') system.push({ text })
        return
      }
      case 'user':
        push('user', userBlocks(message.content, param))
        return
      case 'assistant':
        push('assistant', assistantBlocks(message, param))
        return
      case 'tool': {
        const text = textOf(message.content)
        const toolUseId = toToolUseId(message.tool_call_id)
        push('user', [{ toolResult: { toolUseId, content: text === '' ? [] : [{ text }] } }])
        return
      }
    }
  })
  return { system, messages: turns }
}

function textOf(content: string | readonly { text: string }[]): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('')
}

function userBlocks(content: string | readonly ChatContentPart[], param: string): BedrockContentBlock[] {
  // Converse refuses blank text blocks.
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }]
  return content.flatMap((part, index) => {
    const block = toBlock(part, `${param}.content[${index}]`)
    return 'text' in block && block.text === '' ? [] : [block]
  })
}

function toBlock(part: ChatContentPart, param: string): BedrockContentBlock {
  switch (part.type) {
    case 'text':
      return { text: part.text }
    case 'image_url': {
      const image = parseDataUrl(part.image_url.url)
      if (image === undefined) {
        throw invalidRequestError(
          'Bedrock cannot fetch image URLs: send the image as a base64 data: URL (data:image/png;base64,...)',
          `${param}.image_url.url`,
        )
      }
      const format = IMAGE_FORMATS[image.mediaType]
      if (format === undefined) {
        throw invalidRequestError(
          `Bedrock takes png, jpeg, gif or webp images, not ${image.mediaType}`,
          `${param}.image_url.url`,
        )
      }
      return { image: { format, source: { bytes: image.data } } }
    }
    case 'input_audio':
    case 'file':
      throw invalidRequestError(`Bedrock Converse does not take ${part.type} content parts`, `${param}.type`)
  }
}

function assistantBlocks(message: Extract<ChatMessage, { role: 'assistant' }>, param: string): BedrockContentBlock[] {
  const blocks: BedrockContentBlock[] = []
  const { content } = message
  const text =
    typeof content === 'string'
      ? content
      : (content ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('')
  if (text !== '') blocks.push({ text })
  for (const [index, call] of (message.tool_calls ?? []).entries()) {
    const input = parseToolArguments(call.function.arguments, `${param}.tool_calls[${index}].function.arguments`)
    blocks.push({ toolUse: { toolUseId: toToolUseId(call.id), name: call.function.name, input } })
  }
  return blocks
}
