import { z } from 'zod'

/** How a route picks among a model's deployments. */
export const ROUTE_STRATEGIES = ['weighted', 'round-robin', 'least-in-flight', 'least-latency', 'lowest-cost'] as const
export const RouteStrategy = z.enum(ROUTE_STRATEGIES)
export type RouteStrategy = z.infer<typeof RouteStrategy>

/**
 * Upstream outcomes that send a request to the next deployment or fallback model: `429`, any
 * `5xx`, a `timeout`, a `connection_error`, or a provider refusing for `context_length` or
 * `content_policy`.
 */
export const FALLBACK_CONDITIONS = [
  '429',
  '5xx',
  'timeout',
  'connection_error',
  'context_length',
  'content_policy',
] as const
export type FallbackCondition = (typeof FALLBACK_CONDITIONS)[number]

// YAML reads `- 429` as a number, so the number is accepted and normalised to the string.
export const FallbackCondition = z
  .union([z.enum(FALLBACK_CONDITIONS), z.literal(429)], {
    error: (iss) =>
      `unknown fallback condition ${JSON.stringify(iss.input)} (expected one of: ${FALLBACK_CONDITIONS.join(', ')})`,
  })
  .transform((condition): FallbackCondition => (condition === 429 ? '429' : condition))

export const RetryPolicy = z
  .strictObject({
    maxAttempts: z.int().min(1).max(10).default(2).describe('Attempts per request, the first one included'),
    initialBackoffMs: z.int().nonnegative().max(60_000).default(200),
    maxBackoffMs: z.int().nonnegative().max(300_000).default(2_000),
  })
  .refine((retry) => retry.maxBackoffMs >= retry.initialBackoffMs, {
    error: 'maxBackoffMs must be at least initialBackoffMs',
    path: ['maxBackoffMs'],
  })
export type RetryPolicy = z.infer<typeof RetryPolicy>

const Milliseconds = z.int().positive().max(3_600_000)

export const RouteTimeouts = z.strictObject({
  connectMs: Milliseconds.default(5_000).describe('Time to open the upstream connection'),
  firstByteMs: Milliseconds.default(60_000).describe('Time until the first response byte'),
  idleMs: Milliseconds.default(30_000).describe('Longest silence between two stream chunks'),
  totalMs: Milliseconds.default(600_000).describe('Whole attempt, stream included'),
})
export type RouteTimeouts = z.infer<typeof RouteTimeouts>

/** Whose requests may share a cached answer: the caller's team (default), its key alone, or its whole org. */
export const CACHE_SCOPES = ['team', 'key', 'org'] as const
export const CacheScope = z.enum(CACHE_SCOPES)
export type CacheScope = z.infer<typeof CacheScope>

/**
 * The route's exact cache of whole answers. Present: requests may use it (`enabled` says whether
 * they do unless they ask otherwise with `x-switchyard-cache`); absent: nothing on the route is
 * cached, whatever a request asks.
 */
export const RouteCache = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe('Cache every request of the route; false: only requests sending `x-switchyard-cache: on`'),
  ttlSeconds: z.int().positive().max(604_800).default(300).describe('How long an answer is served from cache'),
  scope: CacheScope.default('team').describe(
    "Who shares an answer: `team` (the caller's team; a key without a team keeps its own), `key`, or `org`",
  ),
})
export type RouteCache = z.infer<typeof RouteCache>

export const DEFAULT_FALLBACK_ON: FallbackCondition[] = ['429', '5xx', 'timeout', 'connection_error']

/** Route settings shared by the config file (which names models) and the snapshot (which uses ids). */
export const routePolicyShape = {
  strategy: RouteStrategy.default('weighted'),
  retries: RetryPolicy.prefault({}),
  timeouts: RouteTimeouts.prefault({}),
  fallbackOn: z.array(FallbackCondition).default(() => [...DEFAULT_FALLBACK_ON]),
  cache: RouteCache.optional().describe('Exact cache of whole answers; absent: nothing is cached'),
}
