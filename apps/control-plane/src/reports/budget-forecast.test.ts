import { describe, expect, it } from 'vitest'
import { forecastBudget, weekdayForecast } from './budget-forecast.ts'

/** Monday … Sunday. */
const WEEK = [100, 200, 300, 400, 500, 50, 25]
// 2026-11-18 is a Wednesday; its 28 days of history start on Wednesday 2026-10-21.
const fromWednesday = (week: readonly number[]) => [...week.slice(2), ...week.slice(0, 2)]

describe('weekday forecast', () => {
  it('repeats a week that repeated exactly', () => {
    const history = Array.from({ length: 4 }, () => fromWednesday(WEEK)).flat()
    expect(weekdayForecast(history, 2)).toEqual(WEEK)
  })

  it('keeps the weekday shape and scales it to the last week’s level', () => {
    const history = [
      ...Array.from({ length: 3 }, () => fromWednesday(WEEK)).flat(),
      ...fromWednesday(WEEK).map((v) => v * 2),
    ]
    expect(weekdayForecast(history, 2)).toEqual(WEEK.map((v) => v * 2))
  })

  it('forecasts nothing from no spend, and refuses a short history', () => {
    expect(weekdayForecast(Array(28).fill(0), 0)).toEqual([0, 0, 0, 0, 0, 0, 0])
    expect(() => weekdayForecast([1, 2, 3], 0)).toThrow('28 days')
  })
})

describe('budget forecast', () => {
  const history = Array.from({ length: 4 }, () => fromWednesday(WEEK)).flat()
  const base = {
    spentMicroUsd: 10_000,
    spentTodayMicroUsd: 100,
    history,
    today: '2026-11-18',
    lastWindowDay: '2026-11-30',
  }

  it('projects the window end from spend, the rest of today and each remaining weekday', () => {
    // Rest of Wednesday: 300 − 100; Thursday 19th … Monday 30th: 2,650.
    const result = forecastBudget({ ...base, limitMicroUsd: 11_000 })
    expect(result.projectedWindowSpendMicroUsd).toBe(10_000 + 200 + 2_650)
    expect(result.projectedExhaustionDate).toBe('2026-11-20')
    expect(result.burnRateMicroUsdPerDay).toBe(Math.floor(1_575 / 7))
    expect(result.isExhausted).toBe(false)
  })

  it('has no exhaustion date when the limit outlasts the window, and today when it is spent', () => {
    expect(forecastBudget({ ...base, limitMicroUsd: 12_851 }).projectedExhaustionDate).toBeNull()
    expect(forecastBudget({ ...base, limitMicroUsd: 12_850 }).projectedExhaustionDate).toBe('2026-11-30')
    const spent = forecastBudget({ ...base, limitMicroUsd: 9_000 })
    expect(spent).toMatchObject({ isExhausted: true, projectedExhaustionDate: '2026-11-18' })
  })

  it('counts nothing more for today when today already spent more than expected', () => {
    const result = forecastBudget({
      ...base,
      spentTodayMicroUsd: 1_000,
      limitMicroUsd: 1_000_000,
      lastWindowDay: '2026-11-18',
    })
    expect(result.projectedWindowSpendMicroUsd).toBe(10_000)
  })
})
