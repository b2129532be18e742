import type { SnapshotRateLimit } from '@switchyard/contracts'
import type { CounterBook } from './counter-book.ts'

export const MINUTE_MS = 60_000

export type LimitKind = 'requests' | 'tokens'

/** What one request asks of its limits. */
export interface LimitCost {
  readonly requests: number
  /** Estimated input tokens plus the most output it may produce; settled later with the real count. */
  readonly tokens: number
}

/** Where a limit stands for one kind, after (or if) the request is counted. */
export interface LimitStanding {
  readonly kind: LimitKind
  readonly limit: number
  readonly remaining: number
  /** Until the window has room for one more unit again, or fully resets. */
  readonly resetMs: number
}

export type LimitDecision =
  | { readonly kind: 'allow'; readonly standings: readonly LimitStanding[] }
  | {
      readonly kind: 'deny'
      readonly limit: SnapshotRateLimit
      readonly limitKind: LimitKind
      /** `limit`: the window is full. `share`: this pod used its share of what is left until the next sync. */
      readonly reason: 'limit' | 'share'
      readonly retryAfterMs: number
      readonly standings: readonly LimitStanding[]
    }

export const limitCounterKey = (limitId: string, kind: LimitKind) => `rl:${limitId}:${kind}`

const windowOf = (nowMs: number) => Math.floor(nowMs / MINUTE_MS) * MINUTE_MS

/**
 * Requests or tokens in the last minute, as a sliding window: this minute's count plus the
 * previous minute's, weighted by how much of it the last 60 seconds still cover. Smoother than a
 * fixed window (no double burst at the boundary), at the cost of assuming the previous minute's
 * traffic was even.
 */
export function slidingCount(book: CounterBook, counterKey: string, nowMs: number): number {
  const current = windowOf(nowMs)
  const weight = 1 - (nowMs - current) / MINUTE_MS
  return book.value(counterKey, current - MINUTE_MS) * weight + book.value(counterKey, current)
}

/** How long until `cost` more fits under `limit`, if nothing else is counted meanwhile. */
function waitForRoom(book: CounterBook, counterKey: string, nowMs: number, limit: number, cost: number): number {
  const current = windowOf(nowMs)
  const previous = book.value(counterKey, current - MINUTE_MS)
  const present = book.value(counterKey, current)
  const room = limit - present - cost
  // Within this minute, the previous minute's share fades out.
  if (room >= 0 && previous > 0) {
    const fadedMs = MINUTE_MS * (1 - room / previous)
    return Math.max(0, current + fadedMs - nowMs)
  }
  // Else this minute's count must fade as the previous one, in the next minute.
  if (present <= 0) return current + MINUTE_MS - nowMs
  const fadedMs = MINUTE_MS * Math.max(0, 1 - (limit - cost) / present)
  return current + MINUTE_MS + fadedMs - nowMs
}

/**
 * Whether this pod may take `wanted` more while its peers cannot see its unsent counts yet: up to
 * its fair share of what the last sync left (`1/pods` of it), and always at least one request.
 * Over one sync round the pods together then take at most what was left, plus at most one request
 * each beyond it when less than one request's worth per pod was left: the overshoot bound.
 */
export function withinShare(limit: number, used: number, unsent: number, wanted: number, pods: number): boolean {
  if (pods <= 1 || unsent <= 0) return true
  return unsent + wanted <= Math.max(wanted, (limit - (used - unsent)) / pods)
}

/** Who shares the counts: how many pods (this one included), and how long a sent count takes to be known. */
export interface Sharing {
  readonly pods: number
  readonly graceMs: number
}

export const ALONE: Sharing = { pods: 1, graceMs: 0 }

/** How soon a pod refused its share may try again: its peers will have sent their counts by then. */
export const SHARE_RETRY_MS = 1_000

/**
 * Decides a request against every limit that applies to it, most constraining first. Pure: the
 * book holds what this pod and its peers counted; nothing is counted here (see `countRequest`).
 * `sharing` says how many pods share the counts and how soon what this pod sent is known.
 */
export function checkRateLimits(
  limits: readonly SnapshotRateLimit[],
  book: CounterBook,
  cost: LimitCost,
  nowMs: number,
  sharing: Sharing = ALONE,
): LimitDecision {
  const standings: LimitStanding[] = []
  let denial: Extract<LimitDecision, { kind: 'deny' }> | undefined
  for (const limit of limits) {
    for (const kind of ['requests', 'tokens'] as const) {
      const max = kind === 'requests' ? limit.requestsPerMinute : limit.tokensPerMinute
      if (max === undefined) continue
      const key = limitCounterKey(limit.id, kind)
      const used = slidingCount(book, key, nowMs)
      // A request asking more than a whole minute's allowance is let through into an empty
      // window (and counted in full) rather than refused forever.
      const wanted = Math.min(cost[kind], max)
      const remaining = Math.max(0, Math.floor(max - used - wanted))
      const resetMs = waitForRoom(book, key, nowMs, max, wanted)
      standings.push({ kind, limit: max, remaining, resetMs })
      if (used + wanted > max) {
        const retryAfterMs = resetMs
        if (denial === undefined || retryAfterMs > denial.retryAfterMs) {
          denial = { kind: 'deny', limit, limitKind: kind, reason: 'limit', retryAfterMs, standings }
        }
      } else if (
        denial === undefined &&
        !withinShare(max, used, book.unsent(key, windowOf(nowMs), nowMs, sharing.graceMs), wanted, sharing.pods)
      ) {
        denial = { kind: 'deny', limit, limitKind: kind, reason: 'share', retryAfterMs: SHARE_RETRY_MS, standings }
      }
    }
  }
  return denial ?? { kind: 'allow', standings }
}

/** Counts an admitted request against its limits, in the current minute; returns that minute. */
export function countRequest(
  limits: readonly SnapshotRateLimit[],
  book: CounterBook,
  cost: LimitCost,
  nowMs: number,
): number {
  const window = windowOf(nowMs)
  for (const limit of limits) {
    // Kept two minutes: the sliding window reads the previous one.
    if (limit.requestsPerMinute !== undefined) {
      book.add(limitCounterKey(limit.id, 'requests'), window, window + 2 * MINUTE_MS, cost.requests)
    }
    if (limit.tokensPerMinute !== undefined) {
      book.add(limitCounterKey(limit.id, 'tokens'), window, window + 2 * MINUTE_MS, cost.tokens)
    }
  }
  return window
}

/** Replaces a request's token estimate with its real count, in the minute it was counted in. */
export function settleTokens(
  limits: readonly SnapshotRateLimit[],
  book: CounterBook,
  windowStartMs: number,
  estimatedTokens: number,
  actualTokens: number,
): void {
  for (const limit of limits) {
    if (limit.tokensPerMinute === undefined) continue
    book.add(
      limitCounterKey(limit.id, 'tokens'),
      windowStartMs,
      windowStartMs + 2 * MINUTE_MS,
      actualTokens - estimatedTokens,
    )
  }
}
