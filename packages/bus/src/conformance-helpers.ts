import { createHash } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import { COUNTER_DELTA_SCHEMA_VERSION, type CounterDelta } from '@switchyard/contracts'

/** Helpers of the shared conformance suite (tests only). */

const encoder = new TextEncoder()
export const bytes = (text: string) => encoder.encode(text)
export const sha256 = (body: Uint8Array) => createHash('sha256').update(body).digest('hex')
export const text = (body: Uint8Array) => new TextDecoder().decode(body)

export const TIMEOUT = Symbol('timeout')
export const DONE = Symbol('done')

/**
 * Reads an async iterator with deadlines. A `next()` that timed out stays pending and is
 * reused by the following read, so no item is lost between reads.
 */
export class Reader<T> {
  readonly #iterator: AsyncIterator<T>
  #pending: Promise<IteratorResult<T>> | undefined

  constructor(iterable: AsyncIterable<T>) {
    this.#iterator = iterable[Symbol.asyncIterator]()
  }

  async next(timeoutMs = 5_000): Promise<T | typeof TIMEOUT | typeof DONE> {
    this.#pending ??= this.#iterator.next()
    const result = await Promise.race([this.#pending, delay(timeoutMs, TIMEOUT)])
    if (result === TIMEOUT) return TIMEOUT
    this.#pending = undefined
    return result.done ? DONE : result.value
  }

  /** The next item, failing the test on a timeout or the end. */
  async take(timeoutMs = 5_000): Promise<T> {
    const item = await this.next(timeoutMs)
    if (item === TIMEOUT) throw new Error(`no item within ${timeoutMs} ms`)
    if (item === DONE) throw new Error('iterable ended')
    return item
  }

  /** Everything that arrives until nothing came for `quietMs`. */
  async drain(quietMs: number): Promise<T[]> {
    const items: T[] = []
    for (;;) {
      const item = await this.next(quietMs)
      if (item === TIMEOUT || item === DONE) return items
      items.push(item)
    }
  }
}

export async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await attempt()
    } catch (error) {
      if (Date.now() > deadline) throw error
      await delay(100)
    }
  }
}

export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  await eventually(async () => {
    if (!condition()) throw new Error('condition not met')
  }, timeoutMs)
}

export function counterDelta(podId: string, delta: number): CounterDelta {
  return {
    schemaVersion: COUNTER_DELTA_SCHEMA_VERSION,
    podId,
    sentAt: new Date().toISOString(),
    entries: [
      {
        counterKey: 'rl:limit_1:requests',
        windowStartMs: 1_700_000_000_000,
        windowEndMs: 1_700_000_060_000,
        origin: `${podId}#1`,
        added: delta,
        removed: 0,
      },
    ],
  }
}

/** Pseudo-random bytes, deterministic, not compressible. */
export function noise(sizeBytes: number): Uint8Array {
  const body = new Uint8Array(sizeBytes)
  let state = 0x9e3779b9
  for (let index = 0; index < sizeBytes; index += 1) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    body[index] = state & 0xff
  }
  return body
}

/** Runs a `for await` loop to its end; resolves with how many items it saw. */
export async function drainLoop(iterable: AsyncIterable<unknown>): Promise<number> {
  let count = 0
  for await (const _ of iterable) count += 1
  return count
}
