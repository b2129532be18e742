import { describe, expect, it } from 'vitest'
import { AsyncQueue } from './async-queue.ts'

describe('AsyncQueue', () => {
  it('hands items over in order and drops the oldest beyond its capacity', async () => {
    let dropped = 0
    const queue = new AsyncQueue<number>({ capacity: 2, onDrop: () => (dropped += 1) })
    for (const item of [1, 2, 3, 4]) queue.push(item)
    expect(dropped).toBe(2)
    expect(await queue.next()).toEqual({ done: false, value: 3 })
    expect(await queue.next()).toEqual({ done: false, value: 4 })
  })

  it('wakes a waiting consumer, and ends after close once drained', async () => {
    const queue = new AsyncQueue<string>({ capacity: 10 })
    const waiting = queue.next()
    queue.push('a')
    expect(await waiting).toEqual({ done: false, value: 'a' })
    queue.push('b')
    queue.close()
    queue.push('ignored')
    expect(await queue.next()).toEqual({ done: false, value: 'b' })
    expect(await queue.next()).toEqual({ done: true, value: undefined })
  })

  it('stays correct across compaction', async () => {
    const queue = new AsyncQueue<number>({ capacity: 5_000 })
    for (let item = 0; item < 3_000; item += 1) queue.push(item)
    for (let item = 0; item < 2_000; item += 1) expect((await queue.next()).value).toBe(item)
    queue.push(3_000)
    expect(queue.size).toBe(1_001)
    expect((await queue.next()).value).toBe(2_000)
  })
})
