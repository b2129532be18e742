import { describe, expect, it } from 'vitest'
import { type BreakerSettings, CircuitBreaker, DEFAULT_BREAKER_SETTINGS } from './circuit-breaker.ts'

function breaker(settings: Partial<BreakerSettings> = {}) {
  return new CircuitBreaker({ ...DEFAULT_BREAKER_SETTINGS, ...settings })
}

function fail(target: CircuitBreaker, times: number, nowMs: number) {
  for (let i = 0; i < times; i++) target.recordFailure(target.begin(nowMs), nowMs)
}

describe('CircuitBreaker', () => {
  it('ejects after 5 consecutive failures, for 1 s', () => {
    const b = breaker()
    fail(b, 4, 0)
    expect(b.state(0)).toBe('closed')
    b.recordSuccess(false, 0)
    fail(b, 4, 0)
    expect(b.state(0)).toBe('closed')
    fail(b, 1, 10)
    expect(b.state(10)).toBe('open')
    expect(b.isSelectable(1_009)).toBe(false)
    expect(b.availableAtMs(500)).toBe(1_010)
    expect(b.state(1_010)).toBe('half-open')
  })

  it('ejects on an error rate over the window even without 5 in a row', () => {
    const b = breaker({ consecutiveFailures: 100, errorRateMinAttempts: 10, errorRateThreshold: 0.5 })
    for (let i = 0; i < 5; i++) {
      b.recordSuccess(false, i * 100)
      b.recordFailure(false, i * 100 + 50)
    }
    expect(b.state(1_000)).toBe('open')
  })

  it('does not judge a rate on too few attempts, or on failures that left the window', () => {
    const b = breaker({ consecutiveFailures: 100, errorRateMinAttempts: 10, errorRateWindowMs: 1_000 })
    fail(b, 9, 0)
    expect(b.state(0)).toBe('closed')
    fail(b, 9, 5_000)
    expect(b.state(5_000)).toBe('closed')
  })

  it('lets one probe through when half-open; success closes', () => {
    const b = breaker()
    fail(b, 5, 0)
    expect(b.isSelectable(1_000)).toBe(true)
    expect(b.begin(1_000)).toBe(true)
    expect(b.isSelectable(1_001)).toBe(false)
    expect(b.begin(1_001)).toBe(false)
    b.recordSuccess(true, 1_050)
    expect(b.state(1_050)).toBe('closed')
    expect(b.isSelectable(1_050)).toBe(true)
  })

  it('re-ejects a failed probe for twice as long, up to 60 s', () => {
    const b = breaker()
    fail(b, 5, 0)
    let nowMs = 1_000
    const ejections: number[] = []
    for (let i = 0; i < 9; i++) {
      expect(b.begin(nowMs)).toBe(true)
      b.recordFailure(true, nowMs)
      const until = b.availableAtMs(nowMs)
      ejections.push(until - nowMs)
      nowMs = until
    }
    expect(ejections).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000])
  })

  it('starts again from the base once it stayed closed for the longest ejection', () => {
    const b = breaker()
    fail(b, 5, 0)
    b.recordFailure(b.begin(1_000), 1_000) // second ejection: 2 s
    b.recordSuccess(b.begin(3_000), 3_000)
    fail(b, 5, 4_000)
    expect(b.availableAtMs(4_000)).toBe(8_000) // third ejection: 4 s
    b.recordSuccess(b.begin(8_000), 8_000)
    fail(b, 5, 8_000 + 60_000)
    expect(b.availableAtMs(68_000)).toBe(69_000)
  })

  it('ignores failures of requests sent before the ejection', () => {
    const b = breaker()
    fail(b, 5, 0)
    b.recordFailure(false, 500)
    expect(b.availableAtMs(500)).toBe(1_000)
  })

  it('closes on the success of a request sent while every deployment was ejected', () => {
    const b = breaker()
    fail(b, 5, 0)
    b.recordSuccess(b.begin(10), 10)
    expect(b.state(10)).toBe('closed')
  })

  it('frees the probe slot on a neutral outcome, and after a lost probe times out', () => {
    const b = breaker()
    fail(b, 5, 0)
    b.recordNeutral(b.begin(1_000))
    expect(b.isSelectable(1_000)).toBe(true)
    expect(b.begin(1_000)).toBe(true)
    expect(b.isSelectable(60_999)).toBe(false)
    expect(b.isSelectable(61_000)).toBe(true)
  })

  it('cools down after a 429 with Retry-After without counting a failure', () => {
    const b = breaker({ consecutiveFailures: 1 })
    b.coolDownUntil(5_000)
    expect(b.state(0)).toBe('closed')
    expect(b.isSelectable(4_999)).toBe(false)
    expect(b.availableAtMs(0)).toBe(5_000)
    expect(b.isSelectable(5_000)).toBe(true)
  })
})
