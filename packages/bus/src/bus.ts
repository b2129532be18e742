import type { CounterDelta } from '@switchyard/contracts'
import type { BusStats } from './bus-stats.ts'

/**
 * Independent snapshot channels, each with its own current pointer, bodies and revision order:
 * `policy` carries the whole compiled policy; `keys` carries the small key overlay published on
 * top of a policy snapshot, so a key change travels in milliseconds even when the whole policy
 * is tens of megabytes.
 */
export const SNAPSHOT_CHANNELS = ['policy', 'keys'] as const
export type SnapshotChannel = (typeof SNAPSHOT_CHANNELS)[number]

/** A compiled policy snapshot as the control plane hands it to the bus. The bus never parses `body`. */
export interface SnapshotToPublish {
  /** Positive, strictly increasing across publishes on the same channel. */
  readonly revision: number
  readonly body: Uint8Array
  /** Default `policy`. */
  readonly channel?: SnapshotChannel
}

/** A snapshot whose body matched its checksum. Treat `body` as read-only: it may be shared. */
export interface Snapshot {
  readonly revision: number
  /** sha256 of `body`, lowercase hex. */
  readonly checksum: string
  readonly body: Uint8Array
}

export interface PublishedSnapshot {
  readonly revision: number
  readonly checksum: string
  readonly sizeBytes: number
  /** True when this exact revision and body were already current (publishing again is a no-op). */
  readonly isAlreadyCurrent: boolean
}

export interface UsageToPublish {
  /** Stable event id: a publish repeated within the duplicate window is stored once. */
  readonly id: string
  readonly body: Uint8Array
}

export interface UsagePublishResult {
  readonly isDuplicate: boolean
}

export interface ConsumeUsageOptions {
  /** Consumers sharing a durable name share the work: each message goes to one of them. */
  readonly durableName: string
  /** How many messages a consumer may hold from the transport ahead of the caller. */
  readonly maxBatch: number
  /** A delivered message not acked within this time is delivered again. */
  readonly ackWaitMs: number
  /** Most delivered-but-unacked messages across the durable; default 10,000 (at least `maxBatch`). */
  readonly maxAckPending?: number
}

export interface UsageMessage {
  readonly id: string
  readonly body: Uint8Array
  /** 1 on first delivery, then 2, 3… after ack timeouts or naks. */
  readonly deliveryCount: number
  /** Resolves once the transport confirmed the ack; rejects with `UsageAckError` otherwise. */
  ack(): Promise<void>
  /** Asks for redelivery, after `delayMs` if given. */
  nak(delayMs?: number): void
  /** Never deliver this message again (dead-letter it first if it should be kept). */
  term(reason: string): void
}

export interface UsageDeadLetter {
  readonly id: string
  readonly body: Uint8Array
  /** Why the event could not be ingested; stored in a header, control characters replaced. */
  readonly reason: string
}

/**
 * The one transport interface between Switchyard's processes, with a NATS JetStream and an
 * in-process implementation of the same semantics (see `bus-conformance.ts`).
 *
 * Iterables end when the bus closes or when the consumer stops (`break`, `return()`); they never
 * throw transport errors into the consumer, they re-establish themselves instead.
 */
export interface Bus {
  /** This instance's name (the pod id), also the NATS connection name. */
  readonly name: string

  /**
   * Stores the body, then makes it current on its channel. Rejects with `StaleSnapshotError`
   * when the revision is not newer than the channel's current one; publishing the current
   * revision again with the same body resolves with `isAlreadyCurrent: true`.
   */
  publishSnapshot(snapshot: SnapshotToPublish): Promise<PublishedSnapshot>
  /** The current verified snapshot of a channel (default `policy`), or null when there is none (or it is corrupt: counted). */
  latestSnapshot(channel?: SnapshotChannel): Promise<Snapshot | null>
  /**
   * Yields the current snapshot first (if any), then newer ones in increasing revision order.
   * Snapshots are last-value state: a watcher that falls behind gets the newest revision and
   * may skip intermediate ones. Stale, corrupt and invalid ones are skipped and counted.
   */
  watchSnapshots(channel?: SnapshotChannel): AsyncIterableIterator<Snapshot>

  /** Resolves once the event is durably stored. Rejects with `UsagePublishError` (spool and retry). */
  publishUsage(event: UsageToPublish): Promise<UsagePublishResult>
  /** At-least-once delivery through a durable consumer; ack after processing. */
  consumeUsage(options: ConsumeUsageOptions): AsyncIterableIterator<UsageMessage>
  /** Keeps an event that cannot be ingested, with the reason, where an operator can inspect it. */
  deadLetterUsage(letter: UsageDeadLetter): Promise<void>

  /**
   * Fire-and-forget broadcast to every pod, this one included: subscribers should skip deltas
   * whose `podId` is their own. Throws `InvalidBusInputError` for a delta failing the schema.
   */
  publishCounters(delta: CounterDelta): void
  /** Valid deltas from every pod; invalid payloads are skipped and counted. Bounded buffer. */
  subscribeCounters(): AsyncIterableIterator<CounterDelta>

  /** Resolves once everything sent so far reached the transport (NATS: a server round trip). */
  flush(): Promise<void>
  stats(): BusStats
  /** Drains and closes: open iterables end, further calls reject with `BusClosedError`. */
  close(): Promise<void>
}
