import { NatsNames } from '@switchyard/contracts'
import type { SnapshotChannel, UsageDeadLetter } from './bus.ts'
import { type BusClock, systemClock } from './bus-clock.ts'
import { InProcessSnapshotStore } from './in-process-snapshot-store.ts'
import { InProcessUsageLog } from './in-process-usage-log.ts'
import { SNAPSHOT_CHANNEL_NAMES } from './snapshot-object-name.ts'

export interface InProcessTransportOptions {
  /** Usage messages held at most; `publishUsage` rejects with `UsageQueueFullError` beyond. Default 100,000. */
  readonly maxPendingUsage?: number
  /** Default: the NATS stream's window, `NatsNames.usageDuplicateWindowMs`. */
  readonly duplicateWindowMs?: number
  /** Ids remembered for duplicate detection (oldest forgotten first). Default 200,000. */
  readonly maxDuplicateIds?: number
  /** Dead letters kept (oldest dropped first). Default 10,000. */
  readonly maxDeadLetters?: number
  readonly clock?: BusClock
}

export interface StoredDeadLetter extends UsageDeadLetter {
  readonly deadLetteredAtMs: number
}

/**
 * What the in-process buses of one process share, as one NATS server is shared by pods.
 * The raw methods bypass the bus's validation: they exist so tests and tools can stage what
 * a faulty or foreign publisher would send.
 */
export interface InProcessTransport {
  /** Stores a snapshot body under `name` as-is. */
  writeRawSnapshotObject(name: string, body: Uint8Array): void
  /** Makes `value` the channel's (default `policy`) current pointer as-is, bypassing validation and ordering. */
  writeRawSnapshotPointer(value: Uint8Array, channel?: SnapshotChannel): void
  /** Broadcasts a counter payload as-is. */
  publishRawCounterPayload(payload: Uint8Array): void
  /** Dead letters held, oldest first. */
  deadLetters(): readonly StoredDeadLetter[]
  /** Cancels pending redelivery timers; close the buses on this transport first. */
  dispose(): void
}

/** The shared state behind an `InProcessTransport`, reachable only from this package. */
export interface InProcessHub {
  readonly snapshots: InProcessSnapshotStore
  readonly usageLog: InProcessUsageLog
  readonly counterListeners: Set<(payload: Uint8Array) => void>
  readonly clock: BusClock
  addDeadLetter(letter: UsageDeadLetter): void
}

const hubs = new WeakMap<InProcessTransport, InProcessHub>()

export function hubOf(transport: InProcessTransport): InProcessHub {
  const hub = hubs.get(transport)
  if (!hub) throw new TypeError('Not a transport made by createInProcessTransport()')
  return hub
}

export function createInProcessTransport(options: InProcessTransportOptions = {}): InProcessTransport {
  const clock = options.clock ?? systemClock
  const maxDeadLetters = options.maxDeadLetters ?? 10_000
  const deadLetters: StoredDeadLetter[] = []
  const hub: InProcessHub = {
    snapshots: new InProcessSnapshotStore(),
    usageLog: new InProcessUsageLog({
      maxPendingUsage: options.maxPendingUsage ?? 100_000,
      duplicateWindowMs: options.duplicateWindowMs ?? NatsNames.usageDuplicateWindowMs,
      maxDuplicateIds: options.maxDuplicateIds ?? 200_000,
      clock,
    }),
    counterListeners: new Set(),
    clock,
    addDeadLetter(letter) {
      deadLetters.push({ ...letter, body: letter.body.slice(), deadLetteredAtMs: clock.now() })
      if (deadLetters.length > maxDeadLetters) deadLetters.shift()
    },
  }
  const transport: InProcessTransport = {
    writeRawSnapshotObject: (name, body) => hub.snapshots.writeObject(name, body),
    writeRawSnapshotPointer: (value, channel = 'policy') =>
      hub.snapshots.writePointer(SNAPSHOT_CHANNEL_NAMES[channel].pointerKey, value),
    publishRawCounterPayload(payload) {
      for (const listener of hub.counterListeners) listener(payload)
    },
    deadLetters: () => [...deadLetters],
    dispose: () => hub.usageLog.dispose(),
  }
  hubs.set(transport, hub)
  return transport
}
