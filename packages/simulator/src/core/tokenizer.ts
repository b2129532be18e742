/**
 * The simulator's one tokenizer: a token is a run of word characters or a single other
 * non-space character, exactly what `/\w+|[^\w\s]/g` matches. Hand-rolled instead of a regex
 * because it runs over every request's whole input on the benchmark's hot path.
 */

function isWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95
}

/** The characters `\s` matches (ECMAScript WhiteSpace and LineTerminator). */
function isSpaceCode(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13)
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  )
}

export function countTokens(text: string): number {
  let count = 0
  let isInWord = false
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index)
    if (isWordCode(code)) {
      if (!isInWord) count += 1
      isInWord = true
    } else {
      isInWord = false
      if (!isSpaceCode(code)) count += 1
    }
  }
  return count
}

/**
 * Splits text into one piece per token, each piece carrying the whitespace before its token and
 * the last piece also the trailing whitespace, so `pieces.join('') === text` whenever the text
 * holds at least one token, and `pieces.length === countTokens(text)` always.
 */
export function splitTokens(text: string): string[] {
  const pieces: string[] = []
  let pieceStart = 0
  let tokenEnd = -1
  let isInWord = false
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index)
    const isWord = isWordCode(code)
    if (isWord && isInWord) {
      tokenEnd = index + 1
      continue
    }
    isInWord = isWord
    if (!isWord && isSpaceCode(code)) continue
    // A token starts here: the piece of the previous token ends where that token ended.
    if (tokenEnd >= 0) {
      pieces.push(text.slice(pieceStart, tokenEnd))
      pieceStart = tokenEnd
    }
    tokenEnd = index + 1
  }
  if (tokenEnd >= 0) pieces.push(text.slice(pieceStart))
  return pieces
}
