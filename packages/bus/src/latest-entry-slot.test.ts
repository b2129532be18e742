import { describe, expect, it } from 'vitest'
import { LatestEntrySlot } from './latest-entry-slot.ts'

const entry = (sequence: number) => ({ sequence })

describe('LatestEntrySlot', () => {
  it('keeps only the newest entry and never goes back', async () => {
    const slot = new LatestEntrySlot<{ sequence: number }>()
    slot.offer(entry(3))
    slot.offer(entry(5))
    slot.offer(entry(4))
    expect(await slot.take()).toEqual(entry(5))
    slot.offer(entry(2))
    slot.offer(entry(5))
    expect(await slot.take()).toEqual(entry(5))
  })

  it('resolves a waiting reader and ends it on close', async () => {
    const slot = new LatestEntrySlot<{ sequence: number }>()
    const waiting = slot.take()
    slot.offer(entry(1))
    expect(await waiting).toEqual(entry(1))
    const ended = slot.take()
    slot.close()
    expect(await ended).toBeUndefined()
    slot.offer(entry(9))
    expect(await slot.take()).toBeUndefined()
  })
})
