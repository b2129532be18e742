import { jetstreamManager } from '@nats-io/jetstream'
import { Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/nats-core'
import { Objm } from '@nats-io/obj'
import { connect } from '@nats-io/transport-node'
import { NatsNames } from '@switchyard/contracts'
import { type NatsServerHandle, startNatsServer } from '@switchyard/test-services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Bus } from './bus.ts'
import { type BusHarness, runBusConformance } from './bus-conformance.ts'
import { bytes } from './conformance-helpers.ts'
import { DeadLetterHeaders } from './dead-letter-headers.ts'
import { createNatsBus } from './nats-bus.ts'
import { SNAPSHOT_CHANNEL_NAMES } from './snapshot-object-name.ts'

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
    async writeRawSnapshot(objectName, body, pointer, channel = 'policy') {
      const objects = await new Objm(admin).create(NatsNames.snapshotObjectStore)
      await objects.putBlob({ name: objectName }, body)
      const kv = await new Kvm(admin).create(NatsNames.snapshotPointerBucket)
      await kv.put(SNAPSHOT_CHANNEL_NAMES[channel].pointerKey, pointer)
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

describe('NATS snapshot names', () => {
  it('keeps the policy channel at key current with snapshot-<rev> bodies, the keys channel beside it', async () => {
    const harness = await createNatsHarness(server)
    try {
      const controlPlane = await harness.createBus('control-plane')
      await controlPlane.publishSnapshot({ revision: 4, body: bytes('policy') })
      const keys = await controlPlane.publishSnapshot({ revision: 2, body: bytes('keys'), channel: 'keys' })

      const admin = await connect({ servers: server.url, name: 'names-check' })
      try {
        const kv = await new Kvm(admin).open(NatsNames.snapshotPointerBucket)
        // The literal, not the constant: renaming it would orphan every deployed pointer.
        const policyPointer = (await kv.get('current'))?.json<{ revision: number; objectName: string }>()
        expect(policyPointer).toMatchObject({ revision: 4, objectName: expect.stringMatching(/^snapshot-4-/) })
        const keysPointer = (await kv.get(NatsNames.keysSnapshotPointerKey))?.json<{ objectName: string }>()
        expect(keysPointer?.objectName).toBe(`keys-2-${keys.checksum.slice(0, 16)}`)
        const objects = await new Objm(admin).open(NatsNames.snapshotObjectStore)
        const names = (await objects.list()).map((info) => info.name).sort()
        expect(names).toEqual([keysPointer?.objectName, policyPointer?.objectName].sort())
      } finally {
        await admin.close()
      }
    } finally {
      await harness.dispose()
    }
  })
})

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
