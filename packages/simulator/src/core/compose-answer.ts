import type { GenerationRequest } from './generation-request.ts'
import { createRandom } from './hash.ts'
import { sampleJsonSchema } from './sample-json-schema.ts'
import { countTokens, splitTokens } from './tokenizer.ts'
import { pickWord } from './vocabulary.ts'

/** Length of a text answer when the scenario does not set one. */
export const defaultOutputTokens = 16
/** How much of a tool result a follow-up answer quotes. */
const quotedResultChars = 40

/**
 * The full answer text, before any max-tokens cap or stop sequence: JSON when JSON was asked
 * for; otherwise an acknowledgement (of a tool result or of images) followed by words picked by
 * the seed, ending with a period, exactly `outputTokens` tokens long when that is given.
 */
export function composeAnswer(request: GenerationRequest, outputTokens: number | undefined, seed: number): string {
  const random = createRandom(seed)
  if (request.outputFormat.kind === 'json') return composeJson(request.outputFormat.schema, seed, random)
  const preamble = composePreamble(request)
  const preambleTokens = countTokens(preamble)
  const targetTokens = outputTokens ?? Math.max(defaultOutputTokens, preambleTokens + 4)
  if (targetTokens <= preambleTokens) return splitTokens(preamble).slice(0, targetTokens).join('')
  const wordCount = targetTokens - preambleTokens === 1 ? 1 : targetTokens - preambleTokens - 1
  let text = preamble === '' ? capitalize(pickWord(random)) : `${preamble} ${capitalize(pickWord(random))}`
  for (let index = 1; index < wordCount; index += 1) text += ` ${pickWord(random)}`
  return wordCount === targetTokens - preambleTokens ? text : `${text}.`
}

function composePreamble(request: GenerationRequest): string {
  const { lastTurn, imageCount } = request
  if (lastTurn.kind === 'tool_result') return `The tool returned "${lastTurn.text.slice(0, quotedResultChars)}".`
  if (imageCount > 0) return `I see ${imageCount} image${imageCount === 1 ? '' : 's'}.`
  return ''
}

function composeJson(schema: unknown, seed: number, random: () => number): string {
  if (schema !== undefined) return JSON.stringify(sampleJsonSchema(schema, seed))
  let answer = pickWord(random)
  for (let index = 1; index < 8; index += 1) answer += ` ${pickWord(random)}`
  return JSON.stringify({ answer })
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}
