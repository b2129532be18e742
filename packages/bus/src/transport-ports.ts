import type { UsageDeadLetter, UsageMessage, UsagePublishResult } from './bus.ts'

/**
 * What a transport must provide; `assembleBus` builds the shared semantics (validation,
 * snapshot integrity and ordering, counter decoding, stats, closing) on top. A thick core
 * with thin adapters: the NATS and in-process transports differ only below this line.
 */
export interface TransportPorts {
  readonly snapshots: SnapshotStorePort
  readonly usage: UsagePort
  readonly counters: CounterPort
  flush(): Promise<void>
  /** Called once, after every iterable of the bus was told to stop. */
  close(): Promise<void>
}

/** One stored version of a snapshot pointer. */
export interface PointerEntry {
  /** The store's own sequence for this write (NATS KV revision); increases with every write to any key. */
  readonly sequence: number
  readonly value: Uint8Array
}

/**
 * A pointer bucket (one key per snapshot channel) beside one object store of bodies. The store
 * knows nothing of channels: the shared core picks the key and the object names.
 */
export interface SnapshotStorePort {
  readPointer(pointerKey: string): Promise<PointerEntry | null>
  /**
   * Writes the pointer if the current one is still the entry at `expectedSequence` (null: no
   * pointer yet). Resolves false when another writer got there first.
   */
  swapPointer(pointerKey: string, value: Uint8Array, expectedSequence: number | null): Promise<boolean>
  putObject(name: string, body: Uint8Array): Promise<void>
  /** Null when there is no such object. */
  readObject(name: string): Promise<Uint8Array | null>
  /** Every object of every channel. */
  listObjectNames(): Promise<string[]>
  deleteObject(name: string): Promise<void>
  /**
   * The key's current pointer first (if any), then later ones, with non-decreasing sequences
   * (the same entry may come again after a reconnect). Survives transport restarts; a slow
   * reader only gets the newest entry. Ends when `signal` aborts.
   */
  watchPointer(pointerKey: string, signal: AbortSignal): AsyncIterable<PointerEntry>
}

export interface ValidConsumeUsageOptions {
  readonly durableName: string
  readonly maxBatch: number
  readonly ackWaitMs: number
  readonly maxAckPending: number
}

export interface UsagePort {
  publish(id: string, body: Uint8Array): Promise<UsagePublishResult>
  /** Re-establishes itself after transport errors; ends when `signal` aborts. */
  consume(options: ValidConsumeUsageOptions, signal: AbortSignal): AsyncIterable<UsageMessage>
  deadLetter(letter: UsageDeadLetter): Promise<void>
  /** See `BusStats.usageQueueDepth`. */
  queueDepth(): number
}

export interface CounterPort {
  /** Fire-and-forget. */
  publish(payload: Uint8Array): void
  /** Calls `onPayload` with every payload published from now on; returns the unsubscribe function. */
  subscribe(onPayload: (payload: Uint8Array) => void): () => void
}
