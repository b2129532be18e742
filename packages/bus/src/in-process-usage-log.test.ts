import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { systemClock } from './bus-clock.ts'
import { UsageQueueFullError } from './bus-errors.ts'
import { InProcessUsageLog, type InProcessUsageLogOptions } from './in-process-usage-log.ts'

const body = (text: string) => new TextEncoder().encode(text)

function createLog(overrides: Partial<InProcessUsageLogOptions> = {}): InProcessUsageLog {
  return new InProcessUsageLog({
    maxPendingUsage: 100,
    duplicateWindowMs: 60_000,
    maxDuplicateIds: 1_000,
    clock: systemClock,
    ...overrides,
  })
}

describe('InProcessUsageLog', () => {
  const signal = new AbortController().signal

  beforeEach(() => {
    vi.useFakeTimers()
  })

  afterEach(() => {
    vi.useRealTimers()
  })

  it('redelivers after the ack wait, with a growing delivery count, until acked', async () => {
    const log = createLog()
    log.publish('a', body('a'))
    const durable = log.openDurable('ingester', { ackWaitMs: 1_000, maxAckPending: 10 })
    const first = await log.next(durable, signal)
    expect(first).toMatchObject({ id: 'a', deliveryCount: 1 })

    const pending = log.next(durable, signal)
    await vi.advanceTimersByTimeAsync(999)
    let isSettled = false
    void pending.then(() => {
      isSettled = true
    })
    await vi.advanceTimersByTimeAsync(0)
    expect(isSettled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const second = await pending
    expect(second).toMatchObject({ id: 'a', deliveryCount: 2 })
    await second?.ack()
    expect(log.depth).toBe(0)

    await vi.advanceTimersByTimeAsync(5_000)
    const controller = new AbortController()
    const none = log.next(durable, controller.signal)
    controller.abort()
    expect(await none).toBeNull()
  })

  it('accepts a late ack of an earlier delivery and ignores its late nak', async () => {
    const log = createLog()
    log.publish('a', body('a'))
    const durable = log.openDurable('ingester', { ackWaitMs: 100, maxAckPending: 10 })
    const first = await log.next(durable, signal)
    await vi.advanceTimersByTimeAsync(100)
    first?.nak()
    const second = await log.next(durable, signal)
    expect(second?.deliveryCount).toBe(2)
    await first?.ack()
    expect(log.depth).toBe(0)
    await vi.advanceTimersByTimeAsync(1_000)
    const controller = new AbortController()
    const none = log.next(durable, controller.signal)
    controller.abort()
    expect(await none).toBeNull()
  })

  it('redelivers a nak with a delay only after the delay', async () => {
    const log = createLog()
    log.publish('a', body('a'))
    const durable = log.openDurable('ingester', { ackWaitMs: 10_000, maxAckPending: 10 })
    ;(await log.next(durable, signal))?.nak(500)
    const pending = log.next(durable, signal)
    await vi.advanceTimersByTimeAsync(499)
    const raced = await Promise.race([pending, Promise.resolve('not yet')])
    expect(raced).toBe('not yet')
    await vi.advanceTimersByTimeAsync(1)
    expect(await pending).toMatchObject({ id: 'a', deliveryCount: 2 })
  })

  it('holds messages published before any durable exists, and drops them once every durable finished', async () => {
    const log = createLog()
    log.publish('early', body('early'))
    expect(log.depth).toBe(1)
    const first = log.openDurable('one', { ackWaitMs: 1_000, maxAckPending: 10 })
    const second = log.openDurable('two', { ackWaitMs: 1_000, maxAckPending: 10 })
    await (await log.next(first, signal))?.ack()
    expect(log.depth).toBe(1)
    ;(await log.next(second, signal))?.term('poison')
    expect(log.depth).toBe(0)
  })

  it('stops delivering at maxAckPending until an ack frees a slot', async () => {
    const log = createLog()
    for (const id of ['a', 'b', 'c']) log.publish(id, body(id))
    const durable = log.openDurable('ingester', { ackWaitMs: 10_000, maxAckPending: 2 })
    const a = await log.next(durable, signal)
    await log.next(durable, signal)
    const third = log.next(durable, signal)
    const raced = await Promise.race([third, vi.advanceTimersByTimeAsync(100).then(() => 'blocked')])
    expect(raced).toBe('blocked')
    await a?.ack()
    expect(await third).toMatchObject({ id: 'c' })
  })

  it('reports a duplicate id within the window and accepts it again after the window', () => {
    let nowMs = 0
    const log = createLog({ clock: { now: () => nowMs, setTimeout: systemClock.setTimeout } })
    expect(log.publish('a', body('1'))).toEqual({ isDuplicate: false })
    nowMs = 59_999
    expect(log.publish('a', body('2'))).toEqual({ isDuplicate: true })
    nowMs = 60_000
    expect(log.publish('a', body('3'))).toEqual({ isDuplicate: false })
    expect(log.depth).toBe(2)
  })

  it('forgets the oldest ids beyond maxDuplicateIds', () => {
    const log = createLog({ maxDuplicateIds: 2 })
    for (const id of ['a', 'b', 'c']) log.publish(id, body(id))
    expect(log.publish('c', body('c'))).toEqual({ isDuplicate: true })
    expect(log.publish('a', body('a'))).toEqual({ isDuplicate: false })
  })

  it('rejects publishes beyond maxPendingUsage with a named error, but still reports duplicates', () => {
    const log = createLog({ maxPendingUsage: 2 })
    log.publish('a', body('a'))
    log.publish('b', body('b'))
    expect(() => log.publish('c', body('c'))).toThrow(UsageQueueFullError)
    expect(log.publish('a', body('a'))).toEqual({ isDuplicate: true })
  })
})
