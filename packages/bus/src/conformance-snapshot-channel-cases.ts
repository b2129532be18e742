import { describe, expect, it } from 'vitest'
import type { Bus, Snapshot, SnapshotChannel } from './bus.ts'
import { StaleSnapshotError } from './bus-errors.ts'
import type { BusHarness } from './conformance-harness.ts'
import { bytes, Reader, sha256, TIMEOUT, text, until } from './conformance-helpers.ts'
import { encodeSnapshotPointer, SNAPSHOT_POINTER_SCHEMA_VERSION } from './snapshot-pointer.ts'

export function describeSnapshotChannelCases(harness: () => BusHarness): void {
  describe('snapshot channels', () => {
    it('keeps the policy and keys channels apart', async () => {
      const controlPlane = await harness().createBus('control-plane')
      const pod = await harness().createBus('pod')
      const policyWatcher = new Reader(pod.watchSnapshots('policy'))
      const keysWatcher = new Reader(pod.watchSnapshots('keys'))

      await controlPlane.publishSnapshot({ revision: 5, body: bytes('policy-5') })
      expect(await bodyOf(policyWatcher)).toBe('policy-5')
      expect(await keysWatcher.next(300)).toBe(TIMEOUT)
      expect(await pod.latestSnapshot('keys')).toBeNull()

      const published = await controlPlane.publishSnapshot({ revision: 1, body: bytes('keys-1'), channel: 'keys' })
      expect(published).toMatchObject({ revision: 1, checksum: sha256(bytes('keys-1')), isAlreadyCurrent: false })
      expect(await bodyOf(keysWatcher)).toBe('keys-1')
      expect(await policyWatcher.next(300)).toBe(TIMEOUT)

      expect(await latestBody(pod, 'policy')).toBe('policy-5')
      expect(await latestBody(pod, 'keys')).toBe('keys-1')
      expect(text((await pod.latestSnapshot())?.body ?? bytes('none'))).toBe('policy-5')
      expect(pod.stats()).toMatchObject({ snapshotsSkippedStale: 0, snapshotPointersRejected: 0 })
    })

    it('orders revisions per channel', async () => {
      const controlPlane = await harness().createBus('control-plane')
      await controlPlane.publishSnapshot({ revision: 10, body: bytes('policy-10') })
      // Far below the policy's current revision, and still accepted on its own channel.
      await controlPlane.publishSnapshot({ revision: 1, body: bytes('keys-1'), channel: 'keys' })
      expect(await controlPlane.publishSnapshot({ revision: 1, body: bytes('keys-1'), channel: 'keys' })).toMatchObject(
        { isAlreadyCurrent: true },
      )
      await expect(
        controlPlane.publishSnapshot({ revision: 1, body: bytes('other'), channel: 'keys' }),
      ).rejects.toBeInstanceOf(StaleSnapshotError)
      await controlPlane.publishSnapshot({ revision: 3, body: bytes('keys-3'), channel: 'keys' })
      await expect(controlPlane.publishSnapshot({ revision: 9, body: bytes('policy-9') })).rejects.toBeInstanceOf(
        StaleSnapshotError,
      )
      await controlPlane.publishSnapshot({ revision: 11, body: bytes('policy-11') })
      await expect(
        controlPlane.publishSnapshot({ revision: 2, body: bytes('keys-2'), channel: 'keys' }),
      ).rejects.toBeInstanceOf(StaleSnapshotError)

      const pod = await harness().createBus('pod')
      const keysWatcher = new Reader(pod.watchSnapshots('keys'))
      const policyWatcher = new Reader(pod.watchSnapshots('policy'))
      expect(await bodyOf(keysWatcher)).toBe('keys-3')
      expect(await bodyOf(policyWatcher)).toBe('policy-11')

      // A foreign writer moves the keys pointer back to revision 2: only the keys watcher sees it.
      const staleBody = bytes('keys-2-stale')
      await harness().writeRawSnapshot(
        'keys-stale-object',
        staleBody,
        rawPointer(2, staleBody, 'keys-stale-object'),
        'keys',
      )
      // Watchers are lazy: a pending read lets the watcher see (and skip) the stale pointer.
      const nextKeys = keysWatcher.next(15_000)
      await until(() => pod.stats().snapshotsSkippedStale === 1)
      await controlPlane.publishSnapshot({ revision: 4, body: bytes('keys-4'), channel: 'keys' })
      expect(await nextKeys).toMatchObject({ revision: 4, checksum: sha256(bytes('keys-4')) })
      expect(await policyWatcher.next(300)).toBe(TIMEOUT)
      expect(pod.stats().snapshotsSkippedStale).toBe(1)
    })

    it('skips a corrupt keys body without touching the policy channel', async () => {
      const controlPlane = await harness().createBus('control-plane')
      await controlPlane.publishSnapshot({ revision: 2, body: bytes('policy-2') })
      await controlPlane.publishSnapshot({ revision: 1, body: bytes('keys-1'), channel: 'keys' })
      const pod = await harness().createBus('pod')
      const keysWatcher = new Reader(pod.watchSnapshots('keys'))
      expect(await bodyOf(keysWatcher)).toBe('keys-1')

      const tampered = bytes('tampered keys')
      const pointer = rawPointer(2, bytes('the keys that were meant'), 'keys-corrupt-object', tampered.byteLength)
      await harness().writeRawSnapshot('keys-corrupt-object', tampered, pointer, 'keys')
      const nextKeys = keysWatcher.next(15_000)
      await until(() => pod.stats().snapshotsSkippedCorrupt === 1)
      expect(await pod.latestSnapshot('keys')).toBeNull()
      expect(pod.stats().snapshotsSkippedCorrupt).toBe(2)
      expect(await latestBody(pod, 'policy')).toBe('policy-2')

      await controlPlane.publishSnapshot({ revision: 3, body: bytes('keys-3'), channel: 'keys' })
      expect(await nextKeys).toMatchObject({ revision: 3, checksum: sha256(bytes('keys-3')) })
    })

    it('prunes each channel on its own, never the other channel’s bodies', async () => {
      const controlPlane = await harness().createBus('control-plane')
      // Revision 1 on keys is below every policy revision that follows, and the policy's
      // revision 8 below most keys revisions: a prune blind to channels would delete both.
      await controlPlane.publishSnapshot({ revision: 1, body: bytes('keys-1'), channel: 'keys' })
      for (let revision = 1; revision <= 8; revision += 1) {
        await controlPlane.publishSnapshot({ revision, body: bytes(`policy-${revision}`) })
      }
      expect(controlPlane.stats().snapshotObjectsPruned).toBe(5)
      const pod = await harness().createBus('pod')
      expect(await latestBody(pod, 'keys')).toBe('keys-1')

      for (let revision = 2; revision <= 20; revision += 1) {
        await controlPlane.publishSnapshot({ revision, body: bytes(`keys-${revision}`), channel: 'keys' })
      }
      expect(controlPlane.stats().snapshotObjectsPruned).toBe(5 + 17)
      expect(await latestBody(pod, 'policy')).toBe('policy-8')
      expect(await latestBody(pod, 'keys')).toBe('keys-20')
      expect(pod.stats().snapshotsSkippedCorrupt).toBe(0)
    })

    it('gives a late watcher of each channel that channel’s current snapshot', async () => {
      const controlPlane = await harness().createBus('control-plane')
      await controlPlane.publishSnapshot({ revision: 3, body: bytes('policy-3') })
      await controlPlane.publishSnapshot({ revision: 7, body: bytes('keys-7'), channel: 'keys' })

      const late = await harness().createBus('pod-late')
      const policyWatcher = new Reader(late.watchSnapshots())
      const keysWatcher = new Reader(late.watchSnapshots('keys'))
      const policyFirst = await policyWatcher.take()
      expect(policyFirst).toMatchObject({ revision: 3, checksum: sha256(bytes('policy-3')) })
      expect(text(policyFirst.body)).toBe('policy-3')
      const keysFirst = await keysWatcher.take()
      expect(keysFirst).toMatchObject({ revision: 7, checksum: sha256(bytes('keys-7')) })
      expect(text(keysFirst.body)).toBe('keys-7')

      await controlPlane.publishSnapshot({ revision: 8, body: bytes('keys-8'), channel: 'keys' })
      expect(await bodyOf(keysWatcher)).toBe('keys-8')
      expect(await policyWatcher.next(300)).toBe(TIMEOUT)
    })
  })
}

async function bodyOf(watcher: Reader<Snapshot>): Promise<string> {
  return text((await watcher.take()).body)
}

async function latestBody(bus: Bus, channel: SnapshotChannel): Promise<string | null> {
  const snapshot = await bus.latestSnapshot(channel)
  return snapshot ? text(snapshot.body) : null
}

/** A well-formed pointer as a foreign writer would store it; the checksum is `body`'s. */
function rawPointer(revision: number, body: Uint8Array, objectName: string, sizeBytes = body.byteLength): Uint8Array {
  return encodeSnapshotPointer({
    schemaVersion: SNAPSHOT_POINTER_SCHEMA_VERSION,
    revision,
    checksum: sha256(body),
    objectName,
    sizeBytes,
    publishedAt: new Date().toISOString(),
  })
}
