import { setTimeout as delay } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { BusClosedError, InvalidBusInputError } from './bus-errors.ts'
import type { BusHarness } from './conformance-harness.ts'
import { bytes, counterDelta, drainLoop, eventually, Reader, TIMEOUT, text, until } from './conformance-helpers.ts'

export function describeCounterAndLifecycleCases(harness: () => BusHarness): void {
  describe('counters', () => {
    it('fans deltas out to every pod, its own included, and skips invalid payloads', async () => {
      const pods = await Promise.all(['pod-a', 'pod-b', 'pod-c'].map((pod) => harness().createBus(pod)))
      const readers = pods.map((pod) => new Reader(pod.subscribeCounters()))
      await Promise.all(pods.map((pod) => pod.flush()))
      const [podA, podB] = pods
      if (!podA || !podB) throw new Error('pods missing')

      const first = counterDelta('pod-a', 3)
      podA.publishCounters(first)
      for (const reader of readers) expect(await reader.take()).toEqual(first)

      await harness().publishRawCounterPayload(bytes('not json'))
      await harness().publishRawCounterPayload(bytes(JSON.stringify({ ...counterDelta('pod-x', 1), podId: '' })))
      const second = counterDelta('pod-b', 2)
      podB.publishCounters(second)
      for (const reader of readers) expect(await reader.take()).toEqual(second)
      for (const pod of pods) await until(() => pod.stats().counterPayloadsRejected === 2)
      for (const reader of readers) expect(await reader.next(300)).toBe(TIMEOUT)
      expect(podB.stats()).toMatchObject({ countersPublished: 1, countersReceived: 2 })

      expect(() =>
        podA.publishCounters({
          ...first,
          entries: [{ counterKey: '', windowStartMs: 0, windowEndMs: 1, origin: 'x', added: 1, removed: 0 }],
        }),
      ).toThrow(InvalidBusInputError)
    })
  })

  describe('lifecycle', () => {
    it('survives a transport restart with snapshot watchers and a usage consumer open', async (context) => {
      const restartTransport = harness().restartTransport
      if (!restartTransport) {
        context.skip('this transport cannot restart')
        return
      }
      const controlPlane = await harness().createBus('control-plane')
      const pod = await harness().createBus('pod')
      const watcher = new Reader(pod.watchSnapshots())
      const keysWatcher = new Reader(pod.watchSnapshots('keys'))
      const consumer = new Reader(pod.consumeUsage({ durableName: 'restart', maxBatch: 10, ackWaitMs: 5_000 }))
      await controlPlane.publishSnapshot({ revision: 1, body: bytes('before') })
      expect((await watcher.take()).revision).toBe(1)
      await controlPlane.publishSnapshot({ revision: 1, body: bytes('keys before'), channel: 'keys' })
      expect((await keysWatcher.take()).revision).toBe(1)
      await controlPlane.publishUsage({ id: 'before-restart', body: bytes('b') })
      const before = await consumer.take(10_000)
      expect(before.id).toBe('before-restart')
      await before.ack()

      await restartTransport()

      await eventually(() => controlPlane.publishSnapshot({ revision: 2, body: bytes('after') }))
      const after = await watcher.take(30_000)
      expect(after.revision).toBe(2)
      expect(text(after.body)).toBe('after')
      await eventually(() => controlPlane.publishSnapshot({ revision: 2, body: bytes('keys after'), channel: 'keys' }))
      const keysAfter = await keysWatcher.take(30_000)
      expect(text(keysAfter.body)).toBe('keys after')
      const ids = ['after-restart-1', 'after-restart-2', 'after-restart-3']
      for (const id of ids) await eventually(() => controlPlane.publishUsage({ id, body: bytes(id) }))
      const received: string[] = []
      while (received.length < ids.length) {
        const message = await consumer.take(30_000)
        received.push(message.id)
        await message.ack()
      }
      expect(received.sort()).toEqual(ids)
    })

    it('close() ends open iterables and later calls reject with BusClosedError', async () => {
      const pod = await harness().createBus('pod')
      const loops = [
        drainLoop(pod.watchSnapshots()),
        drainLoop(pod.watchSnapshots('keys')),
        drainLoop(pod.consumeUsage({ durableName: 'closing', maxBatch: 1, ackWaitMs: 1_000 })),
        drainLoop(pod.subscribeCounters()),
      ]
      await pod.flush()
      await delay(50)
      await pod.close()
      const ended = await Promise.race([Promise.all(loops), delay(10_000, 'timeout' as const)])
      expect(ended).not.toBe('timeout')

      await expect(pod.publishSnapshot({ revision: 1, body: bytes('x') })).rejects.toBeInstanceOf(BusClosedError)
      await expect(pod.latestSnapshot()).rejects.toBeInstanceOf(BusClosedError)
      await expect(pod.publishUsage({ id: 'late', body: bytes('x') })).rejects.toBeInstanceOf(BusClosedError)
      await expect(pod.deadLetterUsage({ id: 'late', body: bytes('x'), reason: 'r' })).rejects.toBeInstanceOf(
        BusClosedError,
      )
      expect(() => pod.publishCounters(counterDelta('pod', 1))).toThrow(BusClosedError)
      expect(() => pod.watchSnapshots()).toThrow(BusClosedError)
      expect(() => pod.subscribeCounters()).toThrow(BusClosedError)
      await expect(pod.close()).resolves.toBeUndefined()
    })
  })
}
