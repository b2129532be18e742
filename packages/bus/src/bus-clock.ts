/** Time as the in-process transport sees it; injectable so tests can drive ack waits and windows. */
export interface BusClock {
  now(): number
  /** Schedules `callback`; returns a function that cancels it. */
  setTimeout(callback: () => void, delayMs: number): () => void
}

/** Wall-clock time. Timers are unref'd: a pending redelivery never keeps a process alive. */
export const systemClock: BusClock = {
  now: () => Date.now(),
  setTimeout(callback, delayMs) {
    const timer = setTimeout(callback, delayMs)
    timer.unref?.()
    return () => clearTimeout(timer)
  },
}
