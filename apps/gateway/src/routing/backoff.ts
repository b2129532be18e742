import type { RetryPolicy } from '@switchyard/contracts'

/**
 * "Full jitter" exponential backoff: a uniformly random wait between 0 and
 * min(maxBackoffMs, initialBackoffMs × 2^(retry − 1)), so retries from many clients spread out
 * instead of arriving together. `retry` counts from 1; `random` is in [0, 1).
 */
export function fullJitterBackoffMs(retry: number, policy: RetryPolicy, random: number): number {
  const ceilingMs = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.max(0, retry - 1))
  return Math.floor(random * ceilingMs)
}
