import type { SnapshotBudget } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import {
  budgetCounterKey,
  budgetSpent,
  budgetWindowAt,
  checkBudgets,
  crossedThresholds,
  reserve,
  worstCaseCostMicroUsd,
} from './budgets.ts'
import { CounterBook } from './counter-book.ts'

const budget = (override: Partial<SnapshotBudget> = {}): SnapshotBudget => ({
  id: 'b1',
  name: 'team-monthly',
  scope: { kind: 'team', id: 'team_1' },
  window: 'monthly',
  timeZone: 'Europe/Paris',
  limitMicroUsd: 1_000_000,
  spentMicroUsd: 250_000,
  windowStartsAt: '2026-10-31T23:00:00.000Z',
  spentThrough: '2026-11-15T00:00:00.000Z',
  onExceed: { action: 'reject' },
  alertThresholdsPct: [50, 80, 100],
  ...override,
})

const NOV_15 = Date.parse('2026-11-15T12:00:00Z')

describe('budgets', () => {
  it('finds the calendar window in the budget’s time zone', () => {
    expect(budgetWindowAt(budget(), NOV_15)).toEqual({
      startMs: Date.parse('2026-10-31T23:00:00Z'),
      endMs: Date.parse('2026-11-30T23:00:00Z'),
    })
    const daily = budget({ window: 'daily', timeZone: 'America/New_York' })
    expect(budgetWindowAt(daily, NOV_15)).toEqual({
      startMs: Date.parse('2026-11-15T05:00:00Z'),
      endMs: Date.parse('2026-11-16T05:00:00Z'),
    })
  })

  it('starts from the control plane’s baseline, adds every pod’s reservations, and refuses what would pass the limit', () => {
    const book = new CounterBook('pod#1')
    const first = checkBudgets([budget()], book, 700_000, NOV_15)
    expect(first.kind).toBe('allow')
    if (first.kind === 'allow') reserve(first.checks, book, 700_000)
    expect(checkBudgets([budget()], book, 50_001, NOV_15)).toMatchObject({
      kind: 'exceeded',
      check: { spentMicroUsd: 950_000 },
    })
    expect(checkBudgets([budget()], book, 50_000, NOV_15).kind).toBe('allow')
  })

  it('adds the pods’ hourly counts from the baseline’s watermark on, and none from before it', () => {
    const book = new CounterBook('pod#1')
    const span = budgetWindowAt(budget(), NOV_15)
    const key = budgetCounterKey('b1', span.startMs)
    // Counted before the watermark (already in the baseline), and after it.
    book.add(key, Date.parse('2026-11-14T23:00:00Z'), span.endMs, 999)
    book.add(key, Date.parse('2026-11-15T00:00:00Z'), span.endMs, 10)
    book.add(key, Date.parse('2026-11-15T12:00:00Z'), span.endMs, 5)
    expect(budgetSpent(budget(), book, span, NOV_15)).toBe(250_000 + 10 + 5)
    // Without a baseline (a window the snapshot did not reach) every bucket counts.
    expect(budgetSpent(budget({ windowStartsAt: '2026-10-01T00:00:00Z' }), book, span, NOV_15)).toBe(999 + 10 + 5)
  })

  it('does not carry the baseline into a window the snapshot has not reached', () => {
    const book = new CounterBook('pod#1')
    const decision = checkBudgets([budget({ spentMicroUsd: 999_999 })], book, 10, Date.parse('2026-12-02T00:00:00Z'))
    expect(decision).toMatchObject({ kind: 'allow', checks: [{ spentMicroUsd: 0 }] })
  })

  it('keeps a pod to its share of what is left while its peers cannot see its reservations', () => {
    const book = new CounterBook('pod-a#1')
    const fresh = budget({ spentMicroUsd: 0, limitMicroUsd: 900 })
    const admitted: number[] = []
    for (let i = 0; i < 10; i++) {
      const decision = checkBudgets([fresh], book, 100, NOV_15, { pods: 3, graceMs: 0 })
      if (decision.kind !== 'allow') break
      reserve(decision.checks, book, 100)
      admitted.push(i)
    }
    // 900 left among three pods: 300 each until this pod's counts are sent.
    expect(admitted).toHaveLength(3)
    expect(checkBudgets([fresh], book, 100, NOV_15, { pods: 3, graceMs: 0 }).kind).toBe('contended')
    book.takeChanged(NOV_15)
    // Sent: 600 left among three pods, 200 each.
    expect(checkBudgets([fresh], book, 100, NOV_15, { pods: 3, graceMs: 0 }).kind).toBe('allow')
  })

  it('prices the worst case at the dearest deployment, rounding up', () => {
    const prices = [
      { inputMicroUsdPerMTok: 150_000, outputMicroUsdPerMTok: 600_000 },
      { inputMicroUsdPerMTok: 2_500_000, outputMicroUsdPerMTok: 10_000_000 },
    ]
    expect(worstCaseCostMicroUsd(prices, 1_000, 500)).toBe(2_500 + 5_000)
    expect(worstCaseCostMicroUsd(prices, 1, 0)).toBe(3)
  })

  it('names the alert thresholds a change crossed', () => {
    expect(crossedThresholds(budget(), 400_000, 850_000)).toEqual([50, 80])
    expect(crossedThresholds(budget(), 850_000, 900_000)).toEqual([])
    expect(crossedThresholds(budget(), 900_000, 1_000_000)).toEqual([100])
  })
})
