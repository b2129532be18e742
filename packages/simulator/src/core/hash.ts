/** 32-bit FNV-1a over UTF-16 code units, optionally continuing from an earlier hash. */
export function hashText(text: string, seed = 0x811c9dc5): number {
  let hash = seed
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/** Mixes a small integer (a choice index, a tool index) into a hash. */
export function mixHash(hash: number, value: number): number {
  return hashText(String(value), hash)
}

/** A small seeded generator (mulberry32): deterministic and fast, not for cryptography. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let mixed = state
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1)
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61)
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296
  }
}

/** A short base-36 tag of a hash, for deterministic ids. */
export function hashTag(hash: number, length = 24): string {
  const random = createRandom(hash)
  let tag = ''
  while (tag.length < length) tag += Math.floor(random() * 36).toString(36)
  return tag
}
