import type { ChatContentPart, ChatMessage, ChatToolCall } from '@switchyard/contracts'
import { invalidRequestError } from '../adapter-errors.ts'
import { parseDataUrl, parseToolArguments } from '../canonical-content.ts'
import type { GeminiContent, GeminiPart } from './gemini-wire.ts'

type SystemInstruction = { parts: { text: string }[] }

/**
 * Google's documented stand-in for a thought signature we do not have (history written by a
 * client, or by another model). Gemini 3 refuses a function call in the history without one.
 */
const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator'

/** Where Google's own OpenAI-compatible API puts a function call's thought signature; we do the same. */
export function thoughtSignatureOf(call: ChatToolCall): string | undefined {
  const extra: unknown = call.extra_content
  if (typeof extra !== 'object' || extra === null || !('google' in extra)) return undefined
  const google: unknown = extra.google
  if (typeof google !== 'object' || google === null || !('thought_signature' in google)) return undefined
  return typeof google.thought_signature === 'string' ? google.thought_signature : undefined
}

/**
 * Canonical messages → Gemini `contents` and `systemInstruction`. System and developer messages
 * go to the instruction wherever they stand; tool results become `functionResponse` parts named
 * after the call they answer; consecutive turns of one role are merged, as Gemini wants turns to
 * alternate and all answers to one step of parallel calls in a single turn.
 */
export function toGeminiContents(messages: readonly ChatMessage[]): {
  contents: GeminiContent[]
  systemInstruction: SystemInstruction | undefined
} {
  const system: { text: string }[] = []
  const contents: GeminiContent[] = []
  const toolNames = new Map<string, string>()
  const push = (role: GeminiContent['role'], parts: GeminiPart[]) => {
    if (parts.length === 0) return
    const last = contents.at(-1)
    if (last?.role === role) last.parts.push(...parts)
    else contents.push({ role, parts })
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
      case 'user': {
        const parts =
          typeof message.content === 'string'
            ? [{ text: message.content }]
            : message.content.map((part, partIndex) => toGeminiPart(part, `${param}.content[${partIndex}]`))
        // Gemini refuses empty text parts.
        push(
          'user',
          parts.filter((part) => !('text' in part) || part.text !== ''),
        )
        return
      }
      case 'assistant':
        for (const call of message.tool_calls ?? []) toolNames.set(call.id, call.function.name)
        push('model', assistantParts(message, param))
        return
      case 'tool': {
        const name = toolNames.get(message.tool_call_id)
        if (name === undefined) {
          throw invalidRequestError(
            `tool_call_id ${JSON.stringify(message.tool_call_id)} answers no tool call of an earlier assistant message`,
            `${param}.tool_call_id`,
          )
        }
        push('user', [{ functionResponse: { name, response: { output: textOf(message.content) } } }])
        return
      }
    }
  })
  return { contents, systemInstruction: system.length > 0 ? { parts: system } : undefined }
}

function textOf(content: string | readonly { text: string }[]): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('')
}

function assistantParts(message: Extract<ChatMessage, { role: 'assistant' }>, param: string): GeminiPart[] {
  const parts: GeminiPart[] = []
  const { content } = message
  const text =
    typeof content === 'string'
      ? content
      : (content ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('')
  if (text !== '') parts.push({ text })
  const calls = message.tool_calls ?? []
  const hasSignature = calls.some((call) => thoughtSignatureOf(call) !== undefined)
  calls.forEach((call, callIndex) => {
    const args = parseToolArguments(call.function.arguments, `${param}.tool_calls[${callIndex}].function.arguments`)
    const signature =
      thoughtSignatureOf(call) ?? (!hasSignature && callIndex === 0 ? SKIP_THOUGHT_SIGNATURE : undefined)
    const functionCall = { name: call.function.name, args }
    parts.push(signature === undefined ? { functionCall } : { functionCall, thoughtSignature: signature })
  })
  return parts
}

const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname
  } catch {
    return ''
  }
}

function toGeminiPart(part: ChatContentPart, param: string): GeminiPart {
  switch (part.type) {
    case 'text':
      return { text: part.text }
    case 'image_url': {
      const { url } = part.image_url
      const inline = parseDataUrl(url)
      if (inline !== undefined) return { inlineData: { mimeType: inline.mediaType, data: inline.data } }
      if (!/^https?:\/\//i.test(url)) {
        throw invalidRequestError(
          'image_url.url must be a base64 data: URL or an http(s) URL',
          `${param}.image_url.url`,
        )
      }
      const extension = /\.([a-z0-9]+)$/i.exec(pathOf(url))?.[1]?.toLowerCase()
      const mimeType = extension === undefined ? undefined : IMAGE_TYPES[extension]
      return { fileData: mimeType === undefined ? { fileUri: url } : { mimeType, fileUri: url } }
    }
    case 'input_audio':
      return { inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data } }
    case 'file': {
      const fileData: unknown = part.file.file_data
      const inline = typeof fileData === 'string' ? parseDataUrl(fileData) : undefined
      if (inline === undefined)
        throw invalidRequestError('file parts need file_data as a base64 data: URL', `${param}.file`)
      return { inlineData: { mimeType: inline.mediaType, data: inline.data } }
    }
  }
}
