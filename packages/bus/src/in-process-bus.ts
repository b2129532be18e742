import { assembleBus } from './assemble-bus.ts'
import type { Bus } from './bus.ts'
import { createBusStats } from './bus-stats.ts'
import {
  createInProcessTransport,
  hubOf,
  type InProcessTransport,
  type InProcessTransportOptions,
} from './in-process-transport.ts'
import type { TransportPorts } from './transport-ports.ts'

export interface InProcessBusOptions extends InProcessTransportOptions {
  /** Pod id; default `in-process`. */
  readonly name?: string
  /** Share one transport between several buses ("pods" in one process). Default: a private one. */
  readonly transport?: InProcessTransport
  /** Snapshot bodies kept per channel, the current one included. Default 3. */
  readonly keepSnapshotObjects?: number
  /** Default 512 MiB. */
  readonly maxSnapshotBytes?: number
  /** Counter deltas one subscriber may have waiting before the oldest are dropped. Default 10,000. */
  readonly counterBufferSize?: number
}

/**
 * The bus of the embedded one-process mode: the same semantics as the NATS bus (see the shared
 * conformance suite), in memory. Transport options apply only when this call creates the transport.
 */
export function createInProcessBus(options: InProcessBusOptions = {}): Bus {
  const transport = options.transport ?? createInProcessTransport(options)
  const hub = hubOf(transport)
  const stats = createBusStats()
  const ports: TransportPorts = {
    snapshots: hub.snapshots,
    usage: {
      publish: async (id, body) => hub.usageLog.publish(id, body),
      async *consume(consumeOptions, signal) {
        // Pull model: nothing is fetched ahead of the caller, so `maxBatch` needs no buffer here.
        const durable = hub.usageLog.openDurable(consumeOptions.durableName, consumeOptions)
        for (;;) {
          const message = await hub.usageLog.next(durable, signal)
          if (!message) return
          yield message
        }
      },
      deadLetter: async (letter) => hub.addDeadLetter(letter),
      queueDepth: () => hub.usageLog.depth,
    },
    counters: {
      publish(payload) {
        for (const listener of hub.counterListeners) listener(payload)
      },
      subscribe(onPayload) {
        // A fresh function per subscription, so one handler subscribed twice counts twice.
        const listener = (payload: Uint8Array) => onPayload(payload)
        hub.counterListeners.add(listener)
        return () => hub.counterListeners.delete(listener)
      },
    },
    flush: async () => {},
    close: async () => {
      if (!options.transport) transport.dispose()
    },
  }
  return assembleBus({
    name: options.name ?? 'in-process',
    ports,
    stats,
    keepSnapshotObjects: options.keepSnapshotObjects ?? 3,
    maxSnapshotBytes: options.maxSnapshotBytes ?? 512 * 1024 * 1024,
    counterBufferSize: options.counterBufferSize ?? 10_000,
    now: () => hub.clock.now(),
  })
}
