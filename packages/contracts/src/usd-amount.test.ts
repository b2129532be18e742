import { describe, expect, it } from 'vitest'
import { parseUsdToMicroUsd, UsdAmount } from './usd-amount.ts'

describe('parseUsdToMicroUsd', () => {
  it('converts decimal dollars to integer micro-USD exactly', () => {
    expect(parseUsdToMicroUsd('12.50')).toBe(12_500_000)
    expect(parseUsdToMicroUsd('0.000001')).toBe(1)
    expect(parseUsdToMicroUsd('0')).toBe(0)
    expect(parseUsdToMicroUsd(0.1)).toBe(100_000)
    expect(parseUsdToMicroUsd(12.5)).toBe(12_500_000)
    expect(parseUsdToMicroUsd('9007199254.740991')).toBe(Number.MAX_SAFE_INTEGER)
  })

  it('refuses negative, malformed, over-precise and unsafe amounts', () => {
    for (const amount of [
      '-1',
      '1.0000001',
      '$5',
      '1e3',
      '1.',
      '.5',
      '',
      ' 1',
      '9007199254.740992',
      -0.5,
      1e-7,
      1e21,
    ]) {
      expect(parseUsdToMicroUsd(amount), String(amount)).toBeUndefined()
    }
  })
})

describe('UsdAmount', () => {
  it('parses strings and numbers, and refuses anything else with one message', () => {
    expect(UsdAmount.parse('25.00')).toBe(25_000_000)
    const message = 'must be a non-negative amount with at most 6 decimal places'
    for (const input of ['1.2345678', -3, true, [1]]) {
      expect(UsdAmount.safeParse(input).error?.issues.map((issue) => issue.message)).toEqual([message])
    }
  })
})
