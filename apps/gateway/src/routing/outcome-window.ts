/**
 * Attempts and failures over the last `windowMs`, in fixed buckets so memory stays constant
 * whatever the traffic. A bucket older than the window is reset the next time its slot comes
 * round. Time comes in as an argument.
 */
export class OutcomeWindow {
  readonly #bucketMs: number
  readonly #starts: number[]
  readonly #totals: number[]
  readonly #failures: number[]

  constructor(windowMs: number, bucketCount: number) {
    this.#bucketMs = Math.max(1, Math.ceil(windowMs / bucketCount))
    this.#starts = new Array<number>(bucketCount).fill(Number.NEGATIVE_INFINITY)
    this.#totals = new Array<number>(bucketCount).fill(0)
    this.#failures = new Array<number>(bucketCount).fill(0)
  }

  record(nowMs: number, isFailure: boolean): void {
    const slot = this.#slot(nowMs)
    this.#totals[slot] = (this.#totals[slot] ?? 0) + 1
    if (isFailure) this.#failures[slot] = (this.#failures[slot] ?? 0) + 1
  }

  /** Attempts and failures recorded within the window ending at `nowMs`. */
  counts(nowMs: number): { readonly total: number; readonly failures: number } {
    const oldestStart = this.#bucketStart(nowMs) - this.#bucketMs * (this.#starts.length - 1)
    let total = 0
    let failures = 0
    for (let slot = 0; slot < this.#starts.length; slot++) {
      if ((this.#starts[slot] ?? Number.NEGATIVE_INFINITY) < oldestStart) continue
      total += this.#totals[slot] ?? 0
      failures += this.#failures[slot] ?? 0
    }
    return { total, failures }
  }

  clear(): void {
    this.#starts.fill(Number.NEGATIVE_INFINITY)
    this.#totals.fill(0)
    this.#failures.fill(0)
  }

  #bucketStart(nowMs: number): number {
    return Math.floor(nowMs / this.#bucketMs) * this.#bucketMs
  }

  #slot(nowMs: number): number {
    const start = this.#bucketStart(nowMs)
    const count = this.#starts.length
    const slot = ((Math.floor(start / this.#bucketMs) % count) + count) % count
    if (this.#starts[slot] !== start) {
      this.#starts[slot] = start
      this.#totals[slot] = 0
      this.#failures[slot] = 0
    }
    return slot
  }
}
