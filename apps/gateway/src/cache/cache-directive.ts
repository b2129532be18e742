import type { RouteCache } from '@switchyard/contracts'
import { HttpError } from '@switchyard/http-server'

/** The request header that asks for (or against) the exact cache. */
export const CACHE_HEADER = 'x-switchyard-cache'

/** What a request may ask: use the cache, skip it, or skip the lookup but store the fresh answer. */
export type CacheDirective = 'on' | 'off' | 'refresh'
const DIRECTIVES: ReadonlySet<string> = new Set<CacheDirective>(['on', 'off', 'refresh'])

/** What the response's `x-switchyard-cache` says when the answer did not come from the cache. */
export type CacheStatus = 'miss' | 'bypass'

export interface CachePlan {
  readonly shouldLookUp: boolean
  readonly shouldStore: boolean
  readonly ttlSeconds: number
  /** For the response header; null: the request neither used nor asked about the cache. */
  readonly status: CacheStatus | null
}

const NOT_CACHED: CachePlan = { shouldLookUp: false, shouldStore: false, ttlSeconds: 0, status: null }
const BYPASSED: CachePlan = { ...NOT_CACHED, status: 'bypass' }

/** `x-switchyard-cache` of a request, or null; any other value is a 400 naming the ones allowed. */
export function readCacheDirective(headers: Headers): CacheDirective | null {
  const value = headers.get(CACHE_HEADER)
  if (value === null) return null
  const directive = value.trim().toLowerCase()
  if (DIRECTIVES.has(directive)) return directive as CacheDirective
  throw new HttpError(
    400,
    'invalid_request_error',
    `The ${CACHE_HEADER} header must be one of on, off, refresh (got ${JSON.stringify(value.slice(0, 40))}).`,
    { code: 'invalid_cache_directive' },
  )
}

/**
 * Whether a request uses the cache, from its route's cache section and its directive. Only a
 * route with a cache section caches at all: a request may turn the cache off or refresh it
 * anywhere, and turn it on only where the route has one (`enabled: false` then means "only on
 * request"). An admin decides what may sit in a pod's memory and who shares it; a client does not.
 */
export function planCache(route: RouteCache | null, directive: CacheDirective | null): CachePlan {
  if (route === null) return directive === null ? NOT_CACHED : BYPASSED
  if (directive === 'off') return BYPASSED
  if (directive === 'refresh')
    return { shouldLookUp: false, shouldStore: true, ttlSeconds: route.ttlSeconds, status: 'miss' }
  if (directive === 'on' || route.enabled) {
    return { shouldLookUp: true, shouldStore: true, ttlSeconds: route.ttlSeconds, status: 'miss' }
  }
  return NOT_CACHED
}
