/** Exponential backoff with jitter for re-establishing watchers and consumers: 100 ms doubling up to `maxMs`. */
export function backoffDelayMs(attempt: number, maxMs = 5_000): number {
  const ceilingMs = Math.min(maxMs, 100 * 2 ** Math.min(attempt, 16))
  return Math.round(ceilingMs / 2 + Math.random() * (ceilingMs / 2))
}

/** Waits `delayMs`, or less if `signal` aborts first. Never rejects. */
export function abortableDelay(delayMs: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', finish)
      resolve()
    }
    const timer = setTimeout(finish, delayMs)
    signal.addEventListener('abort', finish, { once: true })
  })
}
