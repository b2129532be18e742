import { describe, expect, it } from 'vitest'
import { budgetWindowStart } from './budget-window.ts'

const at = (iso: string) => new Date(iso)
const start = (...args: Parameters<typeof budgetWindowStart>) => budgetWindowStart(...args).toISOString()

describe('budgetWindowStart', () => {
  it('starts days, Monday weeks and months at local midnight in UTC', () => {
    expect(start('daily', 'UTC', at('2026-03-18T15:30:00Z'))).toBe('2026-03-18T00:00:00.000Z')
    // 2026-03-18 is a Wednesday; 2026-03-22 a Sunday, still in the week of Monday 16th.
    expect(start('weekly', 'UTC', at('2026-03-18T15:30:00Z'))).toBe('2026-03-16T00:00:00.000Z')
    expect(start('weekly', 'UTC', at('2026-03-22T23:59:59Z'))).toBe('2026-03-16T00:00:00.000Z')
    expect(start('weekly', 'UTC', at('2026-03-16T00:00:00Z'))).toBe('2026-03-16T00:00:00.000Z')
    expect(start('monthly', 'UTC', at('2026-03-01T00:00:00Z'))).toBe('2026-03-01T00:00:00.000Z')
    expect(start('monthly', 'UTC', at('2026-02-28T23:59:59Z'))).toBe('2026-02-01T00:00:00.000Z')
  })

  it('uses the local date, not the UTC one', () => {
    // 23:30 UTC on the 18th is already the 19th in Tokyo (UTC+9) and still the 18th in New York.
    expect(start('daily', 'Asia/Tokyo', at('2026-03-18T23:30:00Z'))).toBe('2026-03-18T15:00:00.000Z')
    expect(start('daily', 'America/New_York', at('2026-03-19T02:00:00Z'))).toBe('2026-03-18T04:00:00.000Z')
    expect(start('monthly', 'Pacific/Auckland', at('2026-03-31T12:00:00Z'))).toBe('2026-03-31T11:00:00.000Z')
  })

  it('crosses DST changes: the window starts at local midnight under the offset in force then', () => {
    // Paris moves to summer time on Sunday 2026-03-29 at 02:00 (UTC+1 → UTC+2).
    expect(start('weekly', 'Europe/Paris', at('2026-03-29T12:00:00Z'))).toBe('2026-03-22T23:00:00.000Z')
    expect(start('weekly', 'Europe/Paris', at('2026-03-30T12:00:00Z'))).toBe('2026-03-29T22:00:00.000Z')
    expect(start('daily', 'Europe/Paris', at('2026-03-29T12:00:00Z'))).toBe('2026-03-28T23:00:00.000Z')
    expect(start('monthly', 'Europe/Paris', at('2026-04-15T12:00:00Z'))).toBe('2026-03-31T22:00:00.000Z')
    // New York falls back on 2026-11-01 at 02:00 (UTC-4 → UTC-5); the month began under UTC-4.
    expect(start('monthly', 'America/New_York', at('2026-11-20T12:00:00Z'))).toBe('2026-11-01T04:00:00.000Z')
    expect(start('daily', 'America/New_York', at('2026-11-02T12:00:00Z'))).toBe('2026-11-02T05:00:00.000Z')
  })

  it('starts a day whose midnight DST skips at the moment the clock jumps', () => {
    // Santiago moved to summer time at midnight on 2024-09-08: 00:00 (UTC-4) became 01:00 (UTC-3),
    // so that day began at 04:00 UTC, shown locally as 01:00.
    expect(start('daily', 'America/Santiago', at('2024-09-08T15:00:00Z'))).toBe('2024-09-08T04:00:00.000Z')
    // And back on 2024-04-07: at midnight (UTC-3) the clock went back to 23:00 on the 6th (UTC-4),
    // so the 7th began an hour later, at 04:00 UTC.
    expect(start('daily', 'America/Santiago', at('2024-04-07T15:00:00Z'))).toBe('2024-04-07T04:00:00.000Z')
  })
})
