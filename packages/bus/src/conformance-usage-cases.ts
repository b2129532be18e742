import { setTimeout as delay } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import type { Bus, UsageMessage } from './bus.ts'
import type { BusHarness } from './conformance-harness.ts'
import { bytes, DONE, Reader, TIMEOUT, text } from './conformance-helpers.ts'

export function describeUsageCases(harness: () => BusHarness): void {
  describe('usage', () => {
    it('redelivers an unacked and a nak-ed message, never an acked or termed one', async () => {
      const gateway = await harness().createBus('gateway')
      const ingester = await harness().createBus('ingester')
      for (const id of ['acked', 'ignored', 'naked', 'termed']) {
        expect(await gateway.publishUsage({ id, body: bytes(`body-${id}`) })).toEqual({ isDuplicate: false })
      }
      const deliveries: Array<[string, number]> = []
      const reader = new Reader(ingester.consumeUsage({ durableName: 'redelivery', maxBatch: 10, ackWaitMs: 300 }))
      const handle = async (message: UsageMessage) => {
        deliveries.push([message.id, message.deliveryCount])
        expect(text(message.body)).toBe(`body-${message.id}`)
        if (message.id === 'acked') await message.ack()
        if (message.id === 'naked') {
          if (message.deliveryCount === 1) message.nak()
          else await message.ack()
        }
        if (message.id === 'termed') message.term('not a usage event')
        if (message.id === 'ignored' && message.deliveryCount > 1) await message.ack()
      }
      while (deliveries.length < 6) await handle(await reader.take())
      for (const message of await reader.drain(900)) await handle(message)

      const countsById = new Map<string, number[]>()
      for (const [id, count] of deliveries) countsById.set(id, [...(countsById.get(id) ?? []), count])
      expect(Object.fromEntries(countsById)).toEqual({
        acked: [1],
        ignored: [1, 2],
        naked: [1, 2],
        termed: [1],
      })
      expect(ingester.stats()).toMatchObject({
        usageDelivered: 6,
        usageRedeliveries: 2,
        usageAcked: 3,
        usageNaked: 1,
        usageTerminated: 1,
      })
    })

    it('delivers a message the consumer left without acking to the next consumer', async () => {
      const gateway = await harness().createBus('gateway')
      const ingester = await harness().createBus('ingester')
      await gateway.publishUsage({ id: 'left-behind', body: bytes('x') })
      for await (const message of ingester.consumeUsage({ durableName: 'handover', maxBatch: 1, ackWaitMs: 200 })) {
        expect(message).toMatchObject({ id: 'left-behind', deliveryCount: 1 })
        break
      }
      const next = await new Reader(
        ingester.consumeUsage({ durableName: 'handover', maxBatch: 1, ackWaitMs: 200 }),
      ).take()
      // 2 at least: NATS may first hand the redelivery to the left consumer's last pull request.
      expect(next.id).toBe('left-behind')
      expect(next.deliveryCount).toBeGreaterThanOrEqual(2)
      await next.ack()
    })

    it('lets a consumer waiting on an empty stream stop at once with return()', async () => {
      const ingester = await harness().createBus('ingester')
      const messages = ingester.consumeUsage({ durableName: 'idle', maxBatch: 10, ackWaitMs: 1_000 })
      const pending = messages.next()
      await delay(50)
      const stopped = messages.return?.(undefined)
      const outcome = await Promise.race([pending, delay(2_000).then(() => 'still waiting' as const)])
      expect(outcome).toEqual({ done: true, value: undefined })
      expect(await stopped).toEqual({ done: true, value: undefined })
      expect(await messages.next()).toEqual({ done: true, value: undefined })
    })

    it('stores a duplicate publish once', async () => {
      const gateway = await harness().createBus('gateway')
      expect(await gateway.publishUsage({ id: 'evt-1', body: bytes('original') })).toEqual({ isDuplicate: false })
      expect(await gateway.publishUsage({ id: 'evt-1', body: bytes('replayed') })).toEqual({ isDuplicate: true })
      await gateway.publishUsage({ id: 'evt-2', body: bytes('next') })
      expect(gateway.stats()).toMatchObject({ usagePublished: 2, usageDuplicates: 1 })

      const ingester = await harness().createBus('ingester')
      const reader = new Reader(ingester.consumeUsage({ durableName: 'dedup', maxBatch: 10, ackWaitMs: 2_000 }))
      const seen: Array<[string, string]> = []
      while (seen.length < 2) {
        const message = await reader.take()
        seen.push([message.id, text(message.body)])
        await message.ack()
      }
      const more = await reader.drain(500)
      expect(more).toEqual([])
      expect(seen).toEqual([
        ['evt-1', 'original'],
        ['evt-2', 'next'],
      ])
    })

    it('splits a durable between two consumers: every message once, to one of them', async () => {
      const gateway = await harness().createBus('gateway')
      const ingesterA = await harness().createBus('ingester-a')
      const ingesterB = await harness().createBus('ingester-b')
      const ids = Array.from({ length: 200 }, (_, index) => `split-${index}`)
      const seenBy = { a: [] as string[], b: [] as string[] }
      const isDone = () => seenBy.a.length + seenBy.b.length >= ids.length
      const run = async (bus: Bus, seen: string[]) => {
        const reader = new Reader(bus.consumeUsage({ durableName: 'shared', maxBatch: 10, ackWaitMs: 10_000 }))
        const deadline = Date.now() + 30_000
        while (Date.now() < deadline) {
          const message = await reader.next(isDone() ? 500 : 1_000)
          if (message === DONE) return
          if (message === TIMEOUT) {
            if (isDone()) return
            continue
          }
          seen.push(message.id)
          await message.ack()
          await delay(1)
        }
      }
      const consumers = Promise.all([run(ingesterA, seenBy.a), run(ingesterB, seenBy.b)])
      await delay(200)
      await Promise.all(ids.map((id) => gateway.publishUsage({ id, body: bytes(id) })))
      await consumers

      expect([...seenBy.a, ...seenBy.b].sort()).toEqual([...ids].sort())
      expect(seenBy.a.filter((id) => seenBy.b.includes(id))).toEqual([])
      expect(seenBy.a.length).toBeGreaterThan(0)
      expect(seenBy.b.length).toBeGreaterThan(0)
    })

    it('consumes 1,000 concurrently published events exactly once', async () => {
      const gateway = await harness().createBus('gateway')
      const ids = Array.from({ length: 1_000 }, (_, index) => `bulk-${index}`)
      const results = await Promise.all(ids.map((id) => gateway.publishUsage({ id, body: bytes(`body-${id}`) })))
      expect(results.every((result) => !result.isDuplicate)).toBe(true)

      const ingester = await harness().createBus('ingester')
      const reader = new Reader(ingester.consumeUsage({ durableName: 'bulk', maxBatch: 100, ackWaitMs: 10_000 }))
      const counts = new Map<string, number>()
      const acks: Array<Promise<void>> = []
      while (counts.size < ids.length) {
        const message = await reader.take()
        expect(text(message.body)).toBe(`body-${message.id}`)
        counts.set(message.id, (counts.get(message.id) ?? 0) + 1)
        acks.push(message.ack())
      }
      await Promise.all(acks)
      expect(await reader.drain(500)).toEqual([])
      expect([...counts.keys()].sort()).toEqual([...ids].sort())
      expect([...counts.values()].every((count) => count === 1)).toBe(true)
      expect(ingester.stats()).toMatchObject({ usageDelivered: 1_000, usageRedeliveries: 0, usageAcked: 1_000 })
    })

    it('keeps dead letters with their reason', async () => {
      const ingester = await harness().createBus('ingester')
      await ingester.deadLetterUsage({ id: 'bad-1', body: bytes('{"nope":1}'), reason: 'schema:\r\nmissing id' })
      const letters = await harness().readDeadLetters()
      expect(letters).toHaveLength(1)
      expect(letters[0]?.id).toBe('bad-1')
      expect(letters[0]?.reason).toBe('schema:  missing id')
      expect(text(letters[0]?.body ?? new Uint8Array())).toBe('{"nope":1}')
      expect(ingester.stats().usageDeadLettered).toBe(1)
    })
  })
}
