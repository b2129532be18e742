import { LatestEntrySlot } from './latest-entry-slot.ts'
import type { PointerEntry, SnapshotStorePort } from './transport-ports.ts'

interface PointerListener {
  readonly pointerKey: string
  readonly onEntry: (entry: PointerEntry) => void
}

/**
 * The in-process twin of the KV pointer bucket plus the object store. Like a KV bucket, one
 * sequence counts the writes to every key.
 */
export class InProcessSnapshotStore implements SnapshotStorePort {
  readonly #objects = new Map<string, Uint8Array>()
  readonly #pointers = new Map<string, PointerEntry>()
  #sequence = 0
  readonly #listeners = new Set<PointerListener>()

  async readPointer(pointerKey: string): Promise<PointerEntry | null> {
    return this.#pointers.get(pointerKey) ?? null
  }

  async swapPointer(pointerKey: string, value: Uint8Array, expectedSequence: number | null): Promise<boolean> {
    if ((this.#pointers.get(pointerKey)?.sequence ?? null) !== expectedSequence) return false
    this.writePointer(pointerKey, value)
    return true
  }

  /** Unconditional write (also the raw test hook). */
  writePointer(pointerKey: string, value: Uint8Array): void {
    this.#sequence += 1
    const entry = { sequence: this.#sequence, value: value.slice() }
    this.#pointers.set(pointerKey, entry)
    for (const listener of this.#listeners) {
      if (listener.pointerKey === pointerKey) listener.onEntry(entry)
    }
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

  async *watchPointer(pointerKey: string, signal: AbortSignal): AsyncGenerator<PointerEntry, void, undefined> {
    const slot = new LatestEntrySlot<PointerEntry>()
    const listener: PointerListener = { pointerKey, onEntry: (entry) => slot.offer(entry) }
    const stop = () => slot.close()
    this.#listeners.add(listener)
    signal.addEventListener('abort', stop, { once: true })
    if (signal.aborted) stop()
    const current = this.#pointers.get(pointerKey)
    if (current) slot.offer(current)
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
