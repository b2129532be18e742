import { describe, expect, it } from 'vitest'
import { fullJitterBackoffMs } from './backoff.ts'

const policy = { maxAttempts: 5, initialBackoffMs: 100, maxBackoffMs: 1_000 }

describe('fullJitterBackoffMs', () => {
  it('draws uniformly below a ceiling that doubles per retry', () => {
    expect(fullJitterBackoffMs(1, policy, 0.999)).toBe(99)
    expect(fullJitterBackoffMs(2, policy, 0.999)).toBe(199)
    expect(fullJitterBackoffMs(3, policy, 0.5)).toBe(200)
    expect(fullJitterBackoffMs(3, policy, 0)).toBe(0)
  })

  it('caps the ceiling at maxBackoffMs', () => {
    expect(fullJitterBackoffMs(5, policy, 0.999)).toBe(999)
    expect(fullJitterBackoffMs(60, policy, 0.5)).toBe(500)
  })
})
