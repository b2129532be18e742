/**
 * Plain counters one bus instance keeps (one per pod). They only ever grow, except
 * `usageQueueDepth`, which is a gauge. Read them with `bus.stats()`.
 */
export interface BusStats {
  /** Snapshots this bus made current. */
  readonly snapshotsPublished: number
  /** Verified snapshots handed to watchers and `latestSnapshot()` callers. */
  readonly snapshotsDelivered: number
  /** Pointers whose revision was not newer than the last one yielded to that watcher. */
  readonly snapshotsSkippedStale: number
  /** Bodies that were missing, of the wrong size or whose sha256 did not match the pointer. */
  readonly snapshotsSkippedCorrupt: number
  /** Pointers that were not valid JSON or failed the pointer schema. */
  readonly snapshotPointersRejected: number
  /** Body reads that failed for a transport reason (the watcher retries, then skips). */
  readonly snapshotReadErrors: number
  /** Old snapshot bodies deleted after a publish. */
  readonly snapshotObjectsPruned: number
  /** Times a snapshot watcher re-established itself (after an error or a reconnect). */
  readonly snapshotWatchRestarts: number

  readonly usagePublished: number
  /** Publishes the transport recognised as a repeat of an id within the duplicate window. */
  readonly usageDuplicates: number
  readonly usageDelivered: number
  /** Deliveries with `deliveryCount > 1` (after an ack timeout or a nak). */
  readonly usageRedeliveries: number
  readonly usageAcked: number
  readonly usageNaked: number
  readonly usageTerminated: number
  readonly usageDeadLettered: number
  /** Times a usage consumer loop re-established itself after an error. */
  readonly usageConsumerRestarts: number
  /**
   * Gauge. In-process: messages stored and not yet finished by every durable consumer (what
   * `maxPendingUsage` caps). NATS: messages not yet delivered to the durable, as the server
   * reported with the last delivered message.
   */
  readonly usageQueueDepth: number

  readonly countersPublished: number
  /** Valid deltas handed to subscribers (a pod's own deltas included). */
  readonly countersReceived: number
  /** Payloads that were not JSON or failed the `CounterDelta` schema; skipped, never yielded. */
  readonly counterPayloadsRejected: number
  /** Deltas dropped because a subscriber fell behind its bounded buffer (oldest dropped first). */
  readonly counterDeltasDropped: number
}

export type MutableBusStats = { -readonly [K in keyof BusStats]: BusStats[K] }

export function createBusStats(): MutableBusStats {
  return {
    snapshotsPublished: 0,
    snapshotsDelivered: 0,
    snapshotsSkippedStale: 0,
    snapshotsSkippedCorrupt: 0,
    snapshotPointersRejected: 0,
    snapshotReadErrors: 0,
    snapshotObjectsPruned: 0,
    snapshotWatchRestarts: 0,
    usagePublished: 0,
    usageDuplicates: 0,
    usageDelivered: 0,
    usageRedeliveries: 0,
    usageAcked: 0,
    usageNaked: 0,
    usageTerminated: 0,
    usageDeadLettered: 0,
    usageConsumerRestarts: 0,
    usageQueueDepth: 0,
    countersPublished: 0,
    countersReceived: 0,
    counterPayloadsRejected: 0,
    counterDeltasDropped: 0,
  }
}
