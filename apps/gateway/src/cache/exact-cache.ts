import type { TokenUsage } from '@switchyard/contracts'
import { ByteLru } from './byte-lru.ts'

/** A whole answer as the cache holds it: the completion's JSON, as the client got it. */
export interface CachedAnswer {
  readonly completionJson: string
  readonly usage: TokenUsage
  /** What the answer cost when a provider gave it: what each hit saves. */
  readonly costMicroUsd: number
  readonly storedAtMs: number
}

export const DEFAULT_CACHE_MAX_BYTES = 64 * 1024 * 1024

export interface ExactCacheSettings {
  /** What the pod's cache holds at most, counted as below. Default 64 MiB. */
  readonly maxBytes: number
  /** The largest answer kept. Default: an eighth of `maxBytes`. */
  readonly maxEntryBytes?: number
}

export interface ExactCacheStats {
  readonly entries: number
  readonly bytes: number
  readonly maxBytes: number
  readonly hits: number
  readonly misses: number
  readonly stores: number
  /** Answers not kept because they were larger than the largest entry allowed. */
  readonly tooLarge: number
  readonly evictions: number
}

/** Per entry on top of its JSON: the key, the record, the map slot (a round figure, not measured). */
const ENTRY_OVERHEAD_BYTES = 256

/**
 * The pod's exact cache of whole answers: a byte-bounded LRU with a TTL per entry. An entry is
 * counted as the UTF-8 bytes of its JSON plus a fixed overhead. Keys come from `chatCacheKey`
 * (digest of scope, model and canonical request), so nothing here knows about tenants. Answers
 * stay in this pod's memory only; pods do not share them.
 */
export class ExactCache {
  readonly #lru: ByteLru<CachedAnswer>
  #hits = 0
  #misses = 0
  #stores = 0
  #tooLarge = 0

  constructor(settings: ExactCacheSettings) {
    this.#lru = new ByteLru(settings)
  }

  /** The most characters an answer being assembled from a stream may reach and still be kept. */
  get maxEntryChars(): number {
    return this.#lru.maxEntryBytes
  }

  lookup(key: string, nowMs: number): CachedAnswer | undefined {
    const answer = this.#lru.get(key, nowMs)
    if (answer === undefined) this.#misses += 1
    else this.#hits += 1
    return answer
  }

  store(key: string, answer: CachedAnswer, ttlSeconds: number, nowMs: number): boolean {
    const bytes = Buffer.byteLength(answer.completionJson) + key.length + ENTRY_OVERHEAD_BYTES
    const outcome = this.#lru.set(key, answer, bytes, nowMs + ttlSeconds * 1000, nowMs)
    if (outcome === 'stored') this.#stores += 1
    else this.#tooLarge += 1
    return outcome === 'stored'
  }

  stats(): ExactCacheStats {
    return {
      entries: this.#lru.size,
      bytes: this.#lru.bytes,
      maxBytes: this.#lru.maxBytes,
      hits: this.#hits,
      misses: this.#misses,
      stores: this.#stores,
      tooLarge: this.#tooLarge,
      evictions: this.#lru.evictions,
    }
  }
}
