import { createSecretKey, type KeyObject } from 'node:crypto'
import { hashApiKey } from '@switchyard/secrets'

/**
 * The keyed hash of presented keys, remembered for the keys that turned out valid: an HMAC per
 * request is a tenth of the gateway's CPU. Bounded; the oldest entry goes first. Only keys that
 * matched a snapshot key are remembered, so a flood of wrong keys cannot fill it.
 */
export class KeyHasher {
  readonly #pepper: KeyObject
  readonly #maxEntries: number
  readonly #hashes = new Map<string, string>()

  constructor(pepper: Buffer, maxEntries = 10_000) {
    this.#pepper = createSecretKey(pepper)
    this.#maxEntries = maxEntries
  }

  hash(presentedKey: string): string {
    return this.#hashes.get(presentedKey) ?? hashApiKey(this.#pepper, presentedKey)
  }

  /** Remembers the hash of a key that matched. */
  remember(presentedKey: string, hash: string): void {
    if (this.#hashes.has(presentedKey)) return
    if (this.#hashes.size >= this.#maxEntries) {
      const oldest = this.#hashes.keys().next()
      if (!oldest.done) this.#hashes.delete(oldest.value)
    }
    this.#hashes.set(presentedKey, hash)
  }
}
