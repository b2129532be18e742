import { describe, expect, it } from 'vitest'
import { CounterBook } from './counter-book.ts'

describe('CounterBook', () => {
  it('sums every origin, and merging the same, an older or a reordered message changes nothing', () => {
    const a = new CounterBook('pod-a#1')
    const b = new CounterBook('pod-b#1')
    a.add('rl:x:requests', 0, 120_000, 3)
    b.add('rl:x:requests', 0, 120_000, 2)
    const fromB = b.takeChanged()
    b.add('rl:x:requests', 0, 120_000, 4)
    const laterFromB = b.takeChanged()
    a.merge(laterFromB)
    a.merge(fromB)
    a.merge(laterFromB)
    expect(a.value('rl:x:requests', 0)).toBe(3 + 6)
    expect(b.takeChanged()).toEqual([])
  })

  it('keeps what was taken away separately, so a released reservation converges too', () => {
    const a = new CounterBook('pod-a#1')
    const b = new CounterBook('pod-b#1')
    b.add('budget:1', 0, 1_000, 500)
    b.add('budget:1', 0, 1_000, -380)
    a.merge(b.takeChanged())
    expect(a.value('budget:1', 0)).toBe(120)
    expect(a.everything()).toEqual([
      { counterKey: 'budget:1', windowStartMs: 0, windowEndMs: 1_000, origin: 'pod-b#1', added: 500, removed: 380 },
    ])
  })

  it('lets a restarted pod learn its earlier run’s count from a peer’s checkpoint, and forgets ended windows', () => {
    const first = new CounterBook('pod-a#1')
    const peer = new CounterBook('pod-b#1')
    first.add('rl:x:requests', 60_000, 180_000, 7)
    peer.merge(first.takeChanged())
    const restarted = new CounterBook('pod-a#2')
    restarted.merge(peer.everything())
    expect(restarted.value('rl:x:requests', 60_000)).toBe(7)
    restarted.prune(179_999)
    expect(restarted.size).toBe(1)
    restarted.prune(180_000)
    expect(restarted.value('rl:x:requests', 60_000)).toBe(0)
    expect(restarted.size).toBe(0)
  })

  it('takes what it sent as known to peers only once the grace period has passed', () => {
    const book = new CounterBook('pod-a#1')
    book.add('k', 0, 60_000, 4)
    book.takeChanged(1_000)
    book.add('k', 0, 60_000, 2)
    expect(book.unsent('k', 0, 1_100, 300)).toBe(6)
    expect(book.unsent('k', 0, 1_300, 300)).toBe(2)
    expect(book.unsent('k', 0, 1_300, 0)).toBe(2)
  })

  it('never lets a peer change its own origin’s count', () => {
    const a = new CounterBook('pod-a#1')
    a.add('k', 0, 10, 2)
    a.merge([{ counterKey: 'k', windowStartMs: 0, windowEndMs: 10, origin: 'pod-a#1', added: 99, removed: 0 }])
    expect(a.value('k', 0)).toBe(2)
  })
})
