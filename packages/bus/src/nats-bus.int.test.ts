import { jetstreamManager } from '@nats-io/jetstream'
import { Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/nats-core'
import { Objm } from '@nats-io/obj'
import { connect } from '@nats-io/transport-node'
import { NatsNames } from '@switchyard/contracts'
import { type NatsServerHandle, startNatsServer } from '@switchyard/test-services'
import { afterAll, beforeAll, describe, it } from 'vitest'
import type { Bus } from './bus.ts'
import { type BusHarness, runBusConformance } from './bus-conformance.ts'
import { DeadLetterHeaders } from './dead-letter-headers.ts'
import { createNatsBus } from './nats-bus.ts'

let server: NatsServerHandle

beforeAll(async () => {
  server = await startNatsServer()
})

afterAll(async () => {
  await server?.dispose()
})

runBusConformance('NATS JetStream', () => createNatsHarness(server))

async function createNatsHarness(nats: NatsServerHandle): Promise<BusHarness> {
  const admin = await connect({ servers: nats.url, name: 'conformance-admin', maxReconnectAttempts: -1 })
  await resetJetStream(admin)
  const buses: Bus[] = []
  return {
    async createBus(name) {
      const bus = await createNatsBus({
        servers: nats.url,
        name,
        pointerRefreshIntervalMs: 1_000,
        pullExpiresMs: 2_000,
      })
      buses.push(bus)
      return bus
    },
    async writeRawSnapshot(objectName, body, pointer) {
      const objects = await new Objm(admin).create(NatsNames.snapshotObjectStore)
      await objects.putBlob({ name: objectName }, body)
      const kv = await new Kvm(admin).create(NatsNames.snapshotPointerBucket)
      await kv.put(NatsNames.snapshotPointerKey, pointer)
    },
    async publishRawCounterPayload(payload) {
      admin.publish(NatsNames.counterDeltaSubject, payload)
      await admin.flush()
    },
    async readDeadLetters() {
      const jsm = await jetstreamManager(admin)
      const { state } = await jsm.streams.info(NatsNames.usageDeadLetterStream)
      const letters: Array<{ id: string; reason: string; body: Uint8Array }> = []
      for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq += 1) {
        const message = await jsm.streams.getMessage(NatsNames.usageDeadLetterStream, { seq })
        if (!message) continue
        letters.push({
          id: message.header.get(DeadLetterHeaders.usageId),
          reason: message.header.get(DeadLetterHeaders.reason),
          body: message.data,
        })
      }
      return letters
    },
    async restartTransport() {
      await nats.stop()
      await nats.start()
    },
    async dispose() {
      await Promise.all(buses.map((bus) => bus.close()))
      await admin.close()
    },
  }
}

/** Every case starts from empty streams, bucket and object store (the buses re-create them). */
async function resetJetStream(admin: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(admin)
  for (const stream of [NatsNames.usageStream, NatsNames.usageDeadLetterStream]) {
    await jsm.streams.delete(stream).catch(() => false)
  }
  await new Kvm(admin)
    .open(NatsNames.snapshotPointerBucket)
    .then((kv) => kv.destroy())
    .catch(() => false)
  await new Objm(admin)
    .open(NatsNames.snapshotObjectStore)
    .then((objects) => objects.destroy())
    .catch(() => false)
}

describe('NATS bus start-up', () => {
  it('lets several pods start at the same moment on a fresh server', async () => {
    const server = await startNatsServer()
    try {
      for (let round = 0; round < 5; round += 1) {
        const buses = await Promise.all(
          Array.from({ length: 12 }, (_, index) =>
            createNatsBus({ servers: server.url, name: `pod-${round}-${index}` }),
          ),
        )
        await Promise.all(buses.map((bus) => bus.close()))
      }
    } finally {
      await server.dispose()
    }
  })
})
