import { describe, expect, it } from 'vitest'
import { OutcomeWindow } from './outcome-window.ts'

describe('OutcomeWindow', () => {
  it('counts attempts and failures within the window', () => {
    const window = new OutcomeWindow(10_000, 10)
    window.record(100, false)
    window.record(1_500, true)
    window.record(9_900, true)
    expect(window.counts(9_999)).toEqual({ total: 3, failures: 2 })
  })

  it('forgets buckets that slid out of the window', () => {
    const window = new OutcomeWindow(10_000, 10)
    window.record(0, true)
    window.record(5_000, true)
    expect(window.counts(10_500)).toEqual({ total: 1, failures: 1 })
    expect(window.counts(15_000)).toEqual({ total: 0, failures: 0 })
  })

  it('reuses a slot when its time comes round again', () => {
    const window = new OutcomeWindow(1_000, 4)
    window.record(0, true)
    window.record(1_000, false) // same slot as 0, a window later
    expect(window.counts(1_000)).toEqual({ total: 1, failures: 0 })
  })

  it('clears', () => {
    const window = new OutcomeWindow(1_000, 4)
    window.record(10, true)
    window.clear()
    expect(window.counts(10)).toEqual({ total: 0, failures: 0 })
  })
})
