interface Entry<V> {
  readonly value: V
  readonly bytes: number
  readonly expiresAtMs: number
}

export interface ByteLruSettings {
  /** What all entries together may hold. */
  readonly maxBytes: number
  /** The largest single entry; a larger one is not kept. Default: an eighth of `maxBytes`. */
  readonly maxEntryBytes?: number
}

export type SetOutcome = 'stored' | 'too_large'

/**
 * A least-recently-used map bounded by the bytes of its entries (as the caller counts them),
 * with a deadline per entry. A `Map` keeps insertion order, so the first key is the least
 * recently used: a read moves its entry to the end, a write evicts from the front until the new
 * entry fits. Expired entries are dropped when read, and from the front while making room; one
 * that is never read again leaves by eviction. Time comes in as an argument.
 */
export class ByteLru<V> {
  readonly maxBytes: number
  readonly maxEntryBytes: number
  readonly #entries = new Map<string, Entry<V>>()
  #bytes = 0
  #evictions = 0

  constructor(settings: ByteLruSettings) {
    this.maxBytes = settings.maxBytes
    this.maxEntryBytes = Math.min(settings.maxEntryBytes ?? Math.floor(settings.maxBytes / 8), settings.maxBytes)
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes
  }

  get size(): number {
    return this.#entries.size
  }

  /** Live entries pushed out to make room (expired ones dropped are not counted). */
  get evictions(): number {
    return this.#evictions
  }

  get(key: string, nowMs: number): V | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    this.#entries.delete(key)
    if (entry.expiresAtMs <= nowMs) {
      this.#bytes -= entry.bytes
      return undefined
    }
    this.#entries.set(key, entry)
    return entry.value
  }

  set(key: string, value: V, bytes: number, expiresAtMs: number, nowMs: number): SetOutcome {
    this.delete(key)
    if (bytes > this.maxEntryBytes) return 'too_large'
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes + bytes <= this.maxBytes && entry.expiresAtMs > nowMs) break
      this.#entries.delete(oldest)
      this.#bytes -= entry.bytes
      if (entry.expiresAtMs > nowMs) this.#evictions += 1
    }
    this.#entries.set(key, { value, bytes, expiresAtMs })
    this.#bytes += bytes
    return 'stored'
  }

  delete(key: string): void {
    const entry = this.#entries.get(key)
    if (entry === undefined) return
    this.#entries.delete(key)
    this.#bytes -= entry.bytes
  }
}
