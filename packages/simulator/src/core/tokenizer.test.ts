import { describe, expect, it } from 'vitest'
import { createRandom } from './hash.ts'
import { countTokens, splitTokens } from './tokenizer.ts'

const reference = (text: string) => text.match(/\w+|[^\w\s]/g)?.length ?? 0

const alphabet = ['a', 'Z', '9', '_', ' ', '\n', '\t', '.', ',', '"', '{', 'é', '\u00a0', '\u3000', '😀', '-', "'"]

function randomText(random: () => number, length: number): string {
  let text = ''
  for (let index = 0; index < length; index += 1) text += alphabet[Math.floor(random() * alphabet.length)]
  return text
}

describe('tokenizer', () => {
  it('counts exactly what /\\w+|[^\\w\\s]/g matches', () => {
    const random = createRandom(7)
    for (let sample = 0; sample < 500; sample += 1) {
      const text = randomText(random, Math.floor(random() * 40))
      expect(countTokens(text), JSON.stringify(text)).toBe(reference(text))
    }
  })

  it('splits into one piece per token that join back to the text', () => {
    const random = createRandom(11)
    for (let sample = 0; sample < 500; sample += 1) {
      const text = randomText(random, Math.floor(random() * 40))
      const pieces = splitTokens(text)
      expect(pieces).toHaveLength(countTokens(text))
      if (pieces.length > 0) expect(pieces.join('')).toBe(text)
      for (const piece of pieces) expect(countTokens(piece)).toBe(1)
    }
  })

  it('keeps the whitespace before each token with it', () => {
    expect(splitTokens('  Hello, big world! ')).toEqual(['  Hello', ',', ' big', ' world', '! '])
    expect(countTokens('{"city":"Paris"}')).toBe(9)
  })
})
