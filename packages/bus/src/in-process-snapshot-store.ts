import { LatestEntrySlot } from './latest-entry-slot.ts'
import type { PointerEntry, SnapshotStorePort } from './transport-ports.ts'

/** The in-process twin of the KV pointer bucket plus the object store. */
export class InProcessSnapshotStore implements SnapshotStorePort {
  readonly #objects = new Map<string, Uint8Array>()
  #pointer: PointerEntry | null = null
  #sequence = 0
  readonly #listeners = new Set<(entry: PointerEntry) => void>()

  async readPointer(): Promise<PointerEntry | null> {
    return this.#pointer
  }

  async swapPointer(value: Uint8Array, expectedSequence: number | null): Promise<boolean> {
    if ((this.#pointer?.sequence ?? null) !== expectedSequence) return false
    this.writePointer(value)
    return true
  }

  /** Unconditional write (also the raw test hook). */
  writePointer(value: Uint8Array): void {
    this.#sequence += 1
    const entry = { sequence: this.#sequence, value: value.slice() }
    this.#pointer = entry
    for (const listener of this.#listeners) listener(entry)
  }

  async putObject(name: string, body: Uint8Array): Promise<void> {
    this.writeObject(name, body)
  }

  /** Copies: the publisher may reuse its buffer. */
  writeObject(name: string, body: Uint8Array): void {
    this.#objects.set(name, body.slice())
  }

  async readObject(name: string): Promise<Uint8Array | null> {
    return this.#objects.get(name) ?? null
  }

  async listObjectNames(): Promise<string[]> {
    return [...this.#objects.keys()]
  }

  async deleteObject(name: string): Promise<void> {
    this.#objects.delete(name)
  }

  async *watchPointer(signal: AbortSignal): AsyncGenerator<PointerEntry, void, undefined> {
    const slot = new LatestEntrySlot<PointerEntry>()
    const listener = (entry: PointerEntry) => slot.offer(entry)
    const stop = () => slot.close()
    this.#listeners.add(listener)
    signal.addEventListener('abort', stop, { once: true })
    if (signal.aborted) stop()
    if (this.#pointer) slot.offer(this.#pointer)
    try {
      for (;;) {
        const entry = await slot.take()
        if (!entry) return
        yield entry
      }
    } finally {
      this.#listeners.delete(listener)
      signal.removeEventListener('abort', stop)
      slot.close()
    }
  }
}
