import { describe, expect, it } from 'vitest'
import { headerValue, parseRetryAfterMs } from './retry-after.ts'

describe('parseRetryAfterMs', () => {
  const now = () => Date.parse('Wed, 21 Oct 2026 07:28:00 GMT')

  it('reads seconds, fractional seconds and milliseconds, rounding up', () => {
    expect(parseRetryAfterMs({ 'retry-after': '20' })).toBe(20_000)
    expect(parseRetryAfterMs({ 'Retry-After': '0.5' })).toBe(500)
    expect(parseRetryAfterMs({ 'retry-after-ms': '1500.2', 'retry-after': '2' })).toBe(1501)
  })

  it('reads an HTTP date against the Date header, else against now, never negative', () => {
    const at = 'Wed, 21 Oct 2026 07:28:30 GMT'
    expect(parseRetryAfterMs({ 'retry-after': at, date: 'Wed, 21 Oct 2026 07:28:10 GMT' }, now)).toBe(20_000)
    expect(parseRetryAfterMs({ 'retry-after': at }, now)).toBe(30_000)
    expect(parseRetryAfterMs({ 'retry-after': at })).toBeNull()
    expect(parseRetryAfterMs({ 'retry-after': 'Wed, 21 Oct 2026 07:27:00 GMT' }, now)).toBe(0)
  })

  it('ignores what it cannot read', () => {
    expect(parseRetryAfterMs({})).toBeNull()
    expect(parseRetryAfterMs({ 'retry-after': 'soon' }, now)).toBeNull()
    expect(parseRetryAfterMs({ 'retry-after': '-3' }, now)).toBeNull()
    expect(parseRetryAfterMs({ 'retry-after-ms': 'x', 'retry-after': '1' })).toBe(1000)
  })

  it('finds headers whatever their case', () => {
    expect(headerValue({ 'X-Thing': 'a' }, 'x-thing')).toBe('a')
  })
})
