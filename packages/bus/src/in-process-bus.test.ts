import type { Bus } from './bus.ts'
import { runBusConformance } from './bus-conformance.ts'
import { createInProcessBus } from './in-process-bus.ts'
import { createInProcessTransport } from './in-process-transport.ts'

runBusConformance('in-process', async () => {
  const transport = createInProcessTransport()
  const buses: Bus[] = []
  return {
    async createBus(name) {
      const bus = createInProcessBus({ name, transport })
      buses.push(bus)
      return bus
    },
    async writeRawSnapshot(objectName, body, pointer, channel) {
      transport.writeRawSnapshotObject(objectName, body)
      transport.writeRawSnapshotPointer(pointer, channel)
    },
    async publishRawCounterPayload(payload) {
      transport.publishRawCounterPayload(payload)
    },
    async readDeadLetters() {
      return transport.deadLetters().map(({ id, reason, body }) => ({ id, reason, body }))
    },
    // One process, nothing to restart.
    restartTransport: undefined,
    async dispose() {
      await Promise.all(buses.map((bus) => bus.close()))
      transport.dispose()
    },
  }
})
