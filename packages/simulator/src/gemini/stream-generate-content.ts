import type { GeneratedChoice } from '../core/generate.ts'
import { sseFrame } from '../server/sse.ts'
import { answerParts, type GeminiReplyInput, geminiFinishReason, usageMetadata } from './generate-content-response.ts'

/** Google's SSE uses CRLF line ends. */
const lineEnd = '\r\n'

/**
 * The GenerateContentResponse chunks of a stream: one text piece per chunk (function calls
 * whole, in one chunk), the finish reason on each candidate's last chunk, usage on the last.
 */
export function streamChunks(input: GeminiReplyInput): object[] {
  const { model, responseId, generation } = input
  const chunks: Record<string, unknown>[] = []
  const candidate = (choice: GeneratedChoice, parts: object[], isLast: boolean) => {
    const content = { content: { parts, role: 'model' }, index: choice.index }
    const body = isLast ? { ...content, finishReason: geminiFinishReason(choice.finishReason) } : content
    chunks.push({ candidates: [body], modelVersion: model, responseId })
  }
  for (const choice of generation.choices) {
    const pieces = choice.textPieces
    if (choice.toolCalls.length > 0 || pieces.length === 0) candidate(choice, answerParts(choice), true)
    else {
      for (let index = 0; index < pieces.length; index += 1) {
        candidate(choice, [{ text: pieces[index] }], index === pieces.length - 1)
      }
    }
  }
  const last = chunks.at(-1)
  if (last !== undefined) last.usageMetadata = usageMetadata(generation.usage)
  return chunks
}

/** `?alt=sse`: one `data:` event per chunk. */
export function sseFrames(chunks: readonly object[]): string[] {
  return chunks.map((chunk) => sseFrame(JSON.stringify(chunk), undefined, lineEnd))
}

/** Without `alt=sse`: one JSON array, streamed element by element. */
export function jsonArrayFrames(chunks: readonly object[]): string[] {
  if (chunks.length === 0) return ['[]']
  const frames = chunks.map((chunk, index) => `${index === 0 ? '[' : ',\r\n'}${JSON.stringify(chunk)}`)
  frames.push(']')
  return frames
}
