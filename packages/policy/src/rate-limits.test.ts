import type { SnapshotRateLimit } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { CounterBook } from './counter-book.ts'
import { checkRateLimits, countRequest, limitCounterKey, settleTokens, slidingCount } from './rate-limits.ts'

const T0 = 1_800_000_000_000 - (1_800_000_000_000 % 60_000)
const rpm = (id: string, requestsPerMinute: number): SnapshotRateLimit => ({
  id,
  name: id,
  scope: { kind: 'key', id: 'key_1' },
  requestsPerMinute,
})

describe('rate limits', () => {
  it('admits up to the limit within a minute, then refuses with the time until there is room', () => {
    const book = new CounterBook('pod#1')
    const limits = [rpm('l1', 3)]
    for (let i = 0; i < 3; i++) {
      expect(checkRateLimits(limits, book, { requests: 1, tokens: 0 }, T0 + 1_000).kind).toBe('allow')
      countRequest(limits, book, { requests: 1, tokens: 0 }, T0 + 1_000)
    }
    const denied = checkRateLimits(limits, book, { requests: 1, tokens: 0 }, T0 + 1_000)
    expect(denied).toMatchObject({ kind: 'deny', limitKind: 'requests' })
    // Room for one more once a third of this minute's count has faded, in the next minute.
    if (denied.kind === 'deny') expect(denied.retryAfterMs).toBe(59_000 + 20_000)
    expect(checkRateLimits(limits, book, { requests: 1, tokens: 0 }, T0 + 79_999).kind).toBe('deny')
    expect(checkRateLimits(limits, book, { requests: 1, tokens: 0 }, T0 + 80_000).kind).toBe('allow')
  })

  it('slides: the previous minute counts in proportion to how much of it the last 60 s cover', () => {
    const book = new CounterBook('pod#1')
    book.add(limitCounterKey('l1', 'requests'), T0, T0 + 120_000, 60)
    expect(slidingCount(book, limitCounterKey('l1', 'requests'), T0 + 60_000)).toBe(60)
    expect(slidingCount(book, limitCounterKey('l1', 'requests'), T0 + 90_000)).toBe(30)
    expect(slidingCount(book, limitCounterKey('l1', 'requests'), T0 + 120_000)).toBe(0)
  })

  it('admits tokens on the estimate, settles to the real count, and reports the tightest limit', () => {
    const book = new CounterBook('pod#1')
    const limits: SnapshotRateLimit[] = [
      { id: 't1', name: 't1', scope: { kind: 'team', id: 'team_1' }, tokensPerMinute: 1_000 },
    ]
    const window = countRequest(limits, book, { requests: 1, tokens: 900 }, T0)
    expect(checkRateLimits(limits, book, { requests: 1, tokens: 200 }, T0).kind).toBe('deny')
    settleTokens(limits, book, window, 900, 150)
    const decision = checkRateLimits(limits, book, { requests: 1, tokens: 200 }, T0)
    expect(decision).toMatchObject({ kind: 'allow', standings: [{ kind: 'tokens', limit: 1_000, remaining: 650 }] })
  })

  it('bounds what pods take between syncs: together at most what was left, plus one each when less than one each was left', () => {
    const pods = [new CounterBook('a#1'), new CounterBook('b#1'), new CounterBook('c#1')]
    const limits = [rpm('l1', 10)]
    let admitted = 0
    // Every pod admits as much as it may before anyone syncs, then they all sync, three rounds.
    for (let round = 0; round < 3; round++) {
      for (const book of pods) {
        while (
          checkRateLimits(limits, book, { requests: 1, tokens: 0 }, T0, { pods: 3, graceMs: 0 }).kind === 'allow'
        ) {
          countRequest(limits, book, { requests: 1, tokens: 0 }, T0)
          admitted += 1
        }
      }
      const sent = pods.map((book) => book.takeChanged())
      for (const book of pods) for (const entries of sent) book.merge(entries)
    }
    expect(admitted).toBeGreaterThanOrEqual(10)
    expect(admitted).toBeLessThanOrEqual(10 + (3 - 1))
  })

  it('counts peers: what another pod admitted is refused here once it has synced', () => {
    const here = new CounterBook('pod-a#1')
    const there = new CounterBook('pod-b#1')
    const limits = [rpm('l1', 2)]
    countRequest(limits, there, { requests: 1, tokens: 0 }, T0)
    countRequest(limits, there, { requests: 1, tokens: 0 }, T0)
    expect(checkRateLimits(limits, here, { requests: 1, tokens: 0 }, T0).kind).toBe('allow')
    here.merge(there.takeChanged())
    expect(checkRateLimits(limits, here, { requests: 1, tokens: 0 }, T0).kind).toBe('deny')
  })
})
