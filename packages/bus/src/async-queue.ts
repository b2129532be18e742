export interface AsyncQueueOptions {
  /** Items held before the oldest is dropped to make room. */
  readonly capacity: number
  /** Called once per dropped item (feeds a stats counter). */
  readonly onDrop?: () => void
}

/**
 * A bounded single-consumer queue bridging callbacks to `await`. When the consumer falls
 * behind, the oldest item is dropped: the queues it backs (counter deltas) carry data that a
 * later item supersedes, and a pod must never grow without bound because a consumer stalled.
 */
export class AsyncQueue<T> {
  readonly #capacity: number
  readonly #onDrop: (() => void) | undefined
  #items: T[] = []
  #head = 0
  #waiter: ((result: IteratorResult<T, undefined>) => void) | undefined
  #isClosed = false

  constructor(options: AsyncQueueOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) throw new RangeError('capacity must be >= 1')
    this.#capacity = options.capacity
    this.#onDrop = options.onDrop
  }

  get size(): number {
    return this.#items.length - this.#head
  }

  get isClosed(): boolean {
    return this.#isClosed
  }

  push(item: T): void {
    if (this.#isClosed) return
    const waiter = this.#waiter
    if (waiter) {
      this.#waiter = undefined
      waiter({ done: false, value: item })
      return
    }
    if (this.size >= this.#capacity) {
      this.#head += 1
      this.#onDrop?.()
    }
    this.#items.push(item)
    this.#compact()
  }

  /** Ends the queue: the consumer gets what is buffered, then `done`. */
  close(): void {
    this.#isClosed = true
    const waiter = this.#waiter
    this.#waiter = undefined
    waiter?.({ done: true, value: undefined })
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.size > 0) {
      const item = this.#items[this.#head] as T
      this.#head += 1
      this.#compact()
      return Promise.resolve({ done: false, value: item })
    }
    if (this.#isClosed) return Promise.resolve({ done: true, value: undefined })
    if (this.#waiter) return Promise.reject(new Error('AsyncQueue has a single consumer'))
    return new Promise((resolve) => {
      this.#waiter = resolve
    })
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head)
      this.#head = 0
    }
  }
}
