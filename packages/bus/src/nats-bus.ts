import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import { connect, type NodeConnectionOptions } from '@nats-io/transport-node'
import { NatsNames } from '@switchyard/contracts'
import { assembleBus } from './assemble-bus.ts'
import type { Bus } from './bus.ts'
import { BusConnectError, BusError } from './bus-errors.ts'
import { createBusStats } from './bus-stats.ts'
import { watchReconnects } from './nats-reconnects.ts'
import { openNatsSnapshotStore } from './nats-snapshot-store.ts'
import { openNatsUsagePort } from './nats-usage-port.ts'
import type { CounterPort, TransportPorts } from './transport-ports.ts'

const DAY_MS = 24 * 60 * 60 * 1000

export interface NatsBusOptions {
  readonly servers: string | readonly string[]
  /** Pod id; also the NATS connection name shown by the server. */
  readonly name: string
  /** Credentials, TLS and other nats.js connection settings, passed through. */
  readonly connectOptions?: Omit<
    NodeConnectionOptions,
    'servers' | 'name' | 'maxReconnectAttempts' | 'waitOnFirstConnect'
  >
  /** Keep trying until a server answers instead of failing at once. Default false. */
  readonly waitForServer?: boolean
  /** JetStream API and publish-ack timeout. Default 5,000 ms. */
  readonly requestTimeoutMs?: number
  /** Replicas of every stream, bucket and object store (1 on a single server, 3 in a cluster). Default 1. */
  readonly replicas?: number
  /** Snapshot bodies kept per channel, the current one included. Default 3. */
  readonly keepSnapshotObjects?: number
  /** Default 512 MiB. */
  readonly maxSnapshotBytes?: number
  /** Counter deltas one subscriber may have waiting before the oldest are dropped. Default 10,000. */
  readonly counterBufferSize?: number
  /** How long the usage stream keeps events, acked or not (room for a replay). Default 7 days. */
  readonly usageRetentionMs?: number
  /** Default 30 days. */
  readonly deadLetterRetentionMs?: number
  /** Snapshot watchers re-read the pointer this often as a safety net. Default 30,000 ms. */
  readonly pointerRefreshIntervalMs?: number
  /** Lifetime of one pull request of a usage consumer (heartbeats at half). Default 10,000 ms. */
  readonly pullExpiresMs?: number
  /** `close()` waits this long for the drain, then closes hard. Default 5,000 ms. */
  readonly drainTimeoutMs?: number
}

/**
 * The distributed-mode bus: snapshots in the JetStream object store with a KV pointer, usage
 * events in a durable stream, counter deltas on core NATS. Creates every stream, bucket and
 * object store it needs, idempotently. Reconnects forever; `close()` drains.
 */
export async function createNatsBus(options: NatsBusOptions): Promise<Bus> {
  const servers = typeof options.servers === 'string' ? options.servers : [...options.servers]
  const requestTimeoutMs = options.requestTimeoutMs ?? 5_000
  let connection: NatsConnection
  try {
    connection = await connect({
      ...options.connectOptions,
      servers,
      name: options.name,
      maxReconnectAttempts: -1,
      waitOnFirstConnect: options.waitForServer ?? false,
    })
  } catch (error) {
    throw new BusConnectError(`Could not connect to NATS at ${String(servers)}`, { cause: error })
  }
  try {
    const js = jetstream(connection, { timeout: requestTimeoutMs })
    const jsm = await jetstreamManager(connection, { timeout: requestTimeoutMs })
    const reconnects = watchReconnects(connection)
    const stats = createBusStats()
    const replicas = options.replicas ?? 1
    const snapshots = await openNatsSnapshotStore(js, reconnects, stats, {
      replicas,
      pointerRefreshIntervalMs: options.pointerRefreshIntervalMs ?? 30_000,
    })
    const usage = await openNatsUsagePort(connection, js, jsm, stats, {
      replicas,
      usageRetentionMs: options.usageRetentionMs ?? 7 * DAY_MS,
      deadLetterRetentionMs: options.deadLetterRetentionMs ?? 30 * DAY_MS,
      pullExpiresMs: options.pullExpiresMs ?? 10_000,
    })
    const ports: TransportPorts = {
      snapshots,
      usage,
      counters: natsCounterPort(connection),
      flush: () => connection.flush(),
      close: () => drainWithin(connection, options.drainTimeoutMs ?? 5_000),
    }
    return assembleBus({
      name: options.name,
      ports,
      stats,
      keepSnapshotObjects: options.keepSnapshotObjects ?? 3,
      maxSnapshotBytes: options.maxSnapshotBytes ?? 512 * 1024 * 1024,
      counterBufferSize: options.counterBufferSize ?? 10_000,
      now: () => Date.now(),
    })
  } catch (error) {
    await connection.close().catch(() => {})
    if (error instanceof BusError) throw error
    throw new BusConnectError('Could not set up the JetStream streams, bucket and object store', { cause: error })
  }
}

/** Core NATS: fire-and-forget, no persistence; a pod that is away misses deltas, by design. */
function natsCounterPort(connection: NatsConnection): CounterPort {
  return {
    publish: (payload) => connection.publish(NatsNames.counterDeltaSubject, payload),
    subscribe(onPayload) {
      const subscription = connection.subscribe(NatsNames.counterDeltaSubject, {
        callback: (error, message) => {
          if (!error) onPayload(message.data)
        },
      })
      return () => {
        if (!connection.isClosed()) subscription.unsubscribe()
      }
    },
  }
}

async function drainWithin(connection: NatsConnection, timeoutMs: number): Promise<void> {
  if (connection.isClosed()) return
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs)
  })
  try {
    await Promise.race([connection.drain(), timeout])
  } catch {
    // Already draining or closed: closing below is all that is left.
  } finally {
    clearTimeout(timer)
    if (!connection.isClosed()) await connection.close().catch(() => {})
  }
}
