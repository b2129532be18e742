import { type CryptoKey, createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose'
import { JwtVerificationError } from './jwt-verification-error.ts'

export interface JwksCacheSettings {
  /**
   * Least time between two fetches of one key set after a successful fetch, whatever asked for
   * it (a token signed with an unknown `kid`, or age). This is what keeps a flood of tokens with
   * made-up key ids from becoming a flood of requests to the identity provider.
   */
  readonly cooldownMs: number
  /** Least time between two fetches after a failed one. */
  readonly retryAfterFailureMs: number
  /** A key set older than this is refreshed in the background when next used; the old keys keep verifying meanwhile. */
  readonly maxAgeMs: number
  /** A fetch that takes longer fails. */
  readonly timeoutMs: number
  /** A larger response is refused. */
  readonly maxResponseBytes: number
  /** Key sets kept; the least recently fetched goes first. */
  readonly maxEntries: number
}

export const DEFAULT_JWKS_CACHE_SETTINGS: JwksCacheSettings = {
  cooldownMs: 30_000,
  retryAfterFailureMs: 5_000,
  maxAgeMs: 10 * 60_000,
  timeoutMs: 5_000,
  maxResponseBytes: 512 * 1024,
  maxEntries: 1_000,
}

export interface JwksCacheOptions {
  readonly settings?: Partial<JwksCacheSettings>
  readonly fetch?: typeof globalThis.fetch
  readonly now?: () => number
}

export interface JwksCacheStats {
  /** Fetches started, successful or not. */
  readonly fetches: number
  readonly failedFetches: number
  readonly entries: number
}

/** Resolves a token's verification key from its protected header (jose's key-function shape). */
export type KeyResolver = JWTVerifyGetKey<CryptoKey>

interface Entry {
  keys: JWTVerifyGetKey<CryptoKey> | null
  fetchedAtMs: number
  nextFetchAtMs: number
  inFlight: Promise<void> | null
}

/**
 * The remote key sets of issuers, fetched from the configured JWKS URL only (never from a URL a
 * token names) and kept for the life of the process, keyed by issuer id and URL: a new policy
 * snapshot that keeps an issuer keeps its warm keys. Fetches of one key set are rate-limited and
 * concurrent callers share one fetch.
 */
export class JwksCache {
  readonly #settings: JwksCacheSettings
  readonly #fetch: typeof globalThis.fetch
  readonly #now: () => number
  readonly #entries = new Map<string, Entry>()
  #fetches = 0
  #failedFetches = 0

  constructor(options: JwksCacheOptions = {}) {
    this.#settings = { ...DEFAULT_JWKS_CACHE_SETTINGS, ...options.settings }
    this.#fetch = options.fetch ?? globalThis.fetch
    this.#now = options.now ?? Date.now
  }

  stats(): JwksCacheStats {
    return { fetches: this.#fetches, failedFetches: this.#failedFetches, entries: this.#entries.size }
  }

  /** The key resolver of one issuer's remote key set. Cheap: the keys live in the cache, not in the resolver. */
  resolverFor(issuerId: string, jwksUrl: string): KeyResolver {
    const cacheKey = `${issuerId}\n${jwksUrl}`
    return async (header, token) => {
      const entry = this.#entryOf(cacheKey)
      if (entry.keys === null) await this.#refresh(entry, jwksUrl)
      else if (this.#now() - entry.fetchedAtMs > this.#settings.maxAgeMs) {
        // Background refresh: the request goes on with the keys it has.
        void this.#refresh(entry, jwksUrl)
      }
      const keys = entry.keys
      if (keys === null) {
        throw new JwtVerificationError(
          'jwks_unavailable',
          "The token issuer's signing keys could not be fetched; retry shortly.",
        )
      }
      try {
        return await keys(header, token)
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey)) throw error
        // A key we do not know: the issuer may have rotated. Refetch, within the rate limit.
        if (entry.inFlight === null && this.#now() < entry.nextFetchAtMs) throw error
        await this.#refresh(entry, jwksUrl)
        const refreshed = entry.keys ?? keys
        return refreshed(header, token)
      }
    }
  }

  #entryOf(cacheKey: string): Entry {
    const existing = this.#entries.get(cacheKey)
    if (existing) return existing
    if (this.#entries.size >= this.#settings.maxEntries) {
      const oldest = this.#entries.keys().next()
      if (!oldest.done) this.#entries.delete(oldest.value)
    }
    const entry: Entry = { keys: null, fetchedAtMs: 0, nextFetchAtMs: 0, inFlight: null }
    this.#entries.set(cacheKey, entry)
    return entry
  }

  /** Joins the fetch in flight, or starts one if the rate limit allows; never throws. */
  #refresh(entry: Entry, jwksUrl: string): Promise<void> {
    if (entry.inFlight) return entry.inFlight
    const startedAtMs = this.#now()
    if (startedAtMs < entry.nextFetchAtMs) return Promise.resolve()
    this.#fetches += 1
    entry.nextFetchAtMs = startedAtMs + this.#settings.cooldownMs
    entry.inFlight = this.#fetchKeySet(jwksUrl)
      .then((jwks) => {
        entry.keys = createLocalJWKSet(jwks)
        entry.fetchedAtMs = this.#now()
      })
      .catch(() => {
        // The old keys, if any, keep verifying; the next attempt waits a little.
        this.#failedFetches += 1
        entry.nextFetchAtMs = this.#now() + this.#settings.retryAfterFailureMs
      })
      .finally(() => {
        entry.inFlight = null
      })
    return entry.inFlight
  }

  async #fetchKeySet(jwksUrl: string): Promise<JSONWebKeySet> {
    const response = await this.#fetch(jwksUrl, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(this.#settings.timeoutMs),
    })
    if (!response.ok) {
      await response.body?.cancel()
      throw new Error(`JWKS responded ${response.status}`)
    }
    const declared = Number(response.headers.get('content-length') ?? 0)
    if (declared > this.#settings.maxResponseBytes) {
      await response.body?.cancel()
      throw new Error('JWKS response too large')
    }
    const body = await response.arrayBuffer()
    if (body.byteLength > this.#settings.maxResponseBytes) throw new Error('JWKS response too large')
    return publicSigningKeys(JSON.parse(new TextDecoder().decode(body)))
  }
}

const PUBLIC_KEY_TYPES = new Set(['RSA', 'EC', 'OKP'])
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

/** Only public asymmetric signing keys are kept: a symmetric or private key in a JWKS is a mistake, never trusted. */
export function publicSigningKeys(json: unknown): JSONWebKeySet {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { keys?: unknown }).keys)) {
    throw new Error('JWKS is not a JSON object with a `keys` array')
  }
  const keys = ((json as { keys: unknown[] }).keys as unknown[]).filter(
    (jwk): jwk is JSONWebKeySet['keys'][number] =>
      typeof jwk === 'object' &&
      jwk !== null &&
      PUBLIC_KEY_TYPES.has((jwk as { kty?: unknown }).kty as string) &&
      PRIVATE_MEMBERS.every((member) => !(member in jwk)) &&
      ((jwk as { use?: unknown }).use === undefined || (jwk as { use?: unknown }).use === 'sig'),
  )
  return { keys }
}
