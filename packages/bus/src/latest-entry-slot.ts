/**
 * Holds the newest not-yet-taken entry of a last-value channel (the snapshot pointer). An
 * entry older than the one held, or than the last one taken, is ignored, so two sources
 * racing (a watcher and a refresh after reconnect) can never move the reader backwards.
 * Equal sequences are accepted: a re-read lets the reader retry an entry it failed to load.
 */
export class LatestEntrySlot<T extends { readonly sequence: number }> {
  #pending: T | undefined
  #lastTakenSequence = 0
  #waiter: ((entry: T | undefined) => void) | undefined
  #isClosed = false

  offer(entry: T): void {
    if (this.#isClosed) return
    const floor = this.#pending?.sequence ?? this.#lastTakenSequence
    if (entry.sequence < floor) return
    const waiter = this.#waiter
    if (waiter) {
      this.#waiter = undefined
      this.#lastTakenSequence = entry.sequence
      waiter(entry)
      return
    }
    this.#pending = entry
  }

  /** The next entry, or undefined once closed. */
  take(): Promise<T | undefined> {
    const pending = this.#pending
    if (pending) {
      this.#pending = undefined
      this.#lastTakenSequence = pending.sequence
      return Promise.resolve(pending)
    }
    if (this.#isClosed) return Promise.resolve(undefined)
    return new Promise((resolve) => {
      this.#waiter = resolve
    })
  }

  close(): void {
    this.#isClosed = true
    this.#pending = undefined
    const waiter = this.#waiter
    this.#waiter = undefined
    waiter?.(undefined)
  }
}
