import { describe, expect, it } from 'vitest'
import { StaleSnapshotError } from './bus-errors.ts'
import type { BusHarness } from './conformance-harness.ts'
import { bytes, noise, Reader, sha256, TIMEOUT, text, until } from './conformance-helpers.ts'
import { encodeSnapshotPointer, SNAPSHOT_POINTER_SCHEMA_VERSION } from './snapshot-pointer.ts'

export function describeSnapshotCases(harness: () => BusHarness): void {
  describe('snapshots', () => {
    it('gives a pod that starts after the last publish the current snapshot', async () => {
      const early = await harness().createBus('pod-early')
      expect(await early.latestSnapshot()).toBeNull()
      const controlPlane = await harness().createBus('control-plane')
      await controlPlane.publishSnapshot({ revision: 1, body: bytes('first') })
      const published = await controlPlane.publishSnapshot({ revision: 2, body: bytes('second') })
      expect(published).toEqual({
        revision: 2,
        checksum: sha256(bytes('second')),
        sizeBytes: 6,
        isAlreadyCurrent: false,
      })

      const late = await harness().createBus('pod-late')
      const first = await new Reader(late.watchSnapshots()).take()
      expect(first.revision).toBe(2)
      expect(text(first.body)).toBe('second')
      expect(first.checksum).toBe(sha256(bytes('second')))
      const latest = await late.latestSnapshot()
      expect(latest?.revision).toBe(2)
      expect(text(latest?.body ?? new Uint8Array())).toBe('second')
    })

    it('yields newer revisions in order and never a stale one', async () => {
      const controlPlane = await harness().createBus('control-plane')
      const pod = await harness().createBus('pod')
      const watcher = new Reader(pod.watchSnapshots())
      expect(await watcher.next(300)).toBe(TIMEOUT)

      await controlPlane.publishSnapshot({ revision: 1, body: bytes('r1') })
      expect((await watcher.take()).revision).toBe(1)
      await controlPlane.publishSnapshot({ revision: 3, body: bytes('r3') })
      expect(text((await watcher.take()).body)).toBe('r3')

      await expect(controlPlane.publishSnapshot({ revision: 2, body: bytes('r2') })).rejects.toBeInstanceOf(
        StaleSnapshotError,
      )
      await expect(controlPlane.publishSnapshot({ revision: 3, body: bytes('other') })).rejects.toBeInstanceOf(
        StaleSnapshotError,
      )
      expect(await controlPlane.publishSnapshot({ revision: 3, body: bytes('r3') })).toMatchObject({
        isAlreadyCurrent: true,
      })

      // A foreign writer moves the pointer back to revision 2 (valid body, valid checksum).
      const staleBody = bytes('r2-stale')
      await harness().writeRawSnapshot(
        'stale-object',
        staleBody,
        encodeSnapshotPointer({
          schemaVersion: SNAPSHOT_POINTER_SCHEMA_VERSION,
          revision: 2,
          checksum: sha256(staleBody),
          objectName: 'stale-object',
          sizeBytes: staleBody.byteLength,
          publishedAt: new Date().toISOString(),
        }),
      )
      const nextItem = watcher.next(15_000)
      await until(() => pod.stats().snapshotsSkippedStale === 1)
      await controlPlane.publishSnapshot({ revision: 4, body: bytes('r4') })
      const afterStale = await nextItem
      expect(afterStale).not.toBe(TIMEOUT)
      expect(afterStale).toMatchObject({ revision: 4 })

      for (let revision = 5; revision <= 9; revision += 1) {
        await controlPlane.publishSnapshot({ revision, body: bytes(`r${revision}`) })
      }
      const seen: number[] = []
      while (seen.at(-1) !== 9) {
        const snapshot = await watcher.take()
        expect(text(snapshot.body)).toBe(`r${snapshot.revision}`)
        seen.push(snapshot.revision)
      }
      expect(seen).toEqual([...seen].sort((a, b) => a - b))
      expect(new Set(seen).size).toBe(seen.length)
      expect(seen.every((revision) => revision >= 5 && revision <= 9)).toBe(true)
      expect(await watcher.next(300)).toBe(TIMEOUT)
      expect(pod.stats().snapshotsSkippedStale).toBe(1)
    })

    it('skips and counts a corrupt body and an invalid pointer', async () => {
      const controlPlane = await harness().createBus('control-plane')
      const pod = await harness().createBus('pod')
      const watcher = new Reader(pod.watchSnapshots())
      await controlPlane.publishSnapshot({ revision: 1, body: bytes('good') })
      expect((await watcher.take()).revision).toBe(1)

      const tampered = bytes('tampered body')
      await harness().writeRawSnapshot(
        'corrupt-object',
        tampered,
        encodeSnapshotPointer({
          schemaVersion: SNAPSHOT_POINTER_SCHEMA_VERSION,
          revision: 2,
          checksum: sha256(bytes('the body that was meant')),
          objectName: 'corrupt-object',
          sizeBytes: tampered.byteLength,
          publishedAt: new Date().toISOString(),
        }),
      )
      const nextItem = watcher.next(15_000)
      await until(() => pod.stats().snapshotsSkippedCorrupt === 1)
      const late = await harness().createBus('pod-late')
      expect(await late.latestSnapshot()).toBeNull()
      expect(late.stats().snapshotsSkippedCorrupt).toBe(1)

      await harness().writeRawSnapshot('unused', bytes('x'), bytes('{"schemaVersion":1,"revision":"two"}'))
      await until(() => pod.stats().snapshotPointersRejected === 1)

      await controlPlane.publishSnapshot({ revision: 3, body: bytes('good again') })
      expect(await nextItem).toMatchObject({ revision: 3, checksum: sha256(bytes('good again')) })
      expect(pod.stats()).toMatchObject({
        snapshotsSkippedCorrupt: 1,
        snapshotPointersRejected: 1,
        snapshotsDelivered: 2,
      })
    })

    it('round-trips a 5 MiB body byte for byte', async () => {
      const controlPlane = await harness().createBus('control-plane')
      const pod = await harness().createBus('pod')
      const body = noise(5 * 1024 * 1024)
      await controlPlane.publishSnapshot({ revision: 7, body })
      const watched = await new Reader(pod.watchSnapshots()).take(30_000)
      expect(watched.revision).toBe(7)
      expect(watched.checksum).toBe(sha256(body))
      expect(Buffer.compare(Buffer.from(watched.body), Buffer.from(body))).toBe(0)
      const latest = await pod.latestSnapshot()
      expect(latest?.body.byteLength).toBe(body.byteLength)
      expect(Buffer.compare(Buffer.from(latest?.body ?? []), Buffer.from(body))).toBe(0)
    })

    it('keeps only the last few bodies', async () => {
      const controlPlane = await harness().createBus('control-plane')
      for (let revision = 1; revision <= 6; revision += 1) {
        await controlPlane.publishSnapshot({ revision, body: bytes(`r${revision}`) })
      }
      expect(controlPlane.stats().snapshotObjectsPruned).toBe(3)
      const late = await harness().createBus('pod-late')
      expect((await late.latestSnapshot())?.revision).toBe(6)
    })
  })
}
