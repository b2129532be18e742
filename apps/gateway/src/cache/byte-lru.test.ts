import { describe, expect, it } from 'vitest'
import { ByteLru } from './byte-lru.ts'

const FAR = 1_000_000

describe('ByteLru', () => {
  it('evicts the least recently used entries until the new one fits', () => {
    const lru = new ByteLru<string>({ maxBytes: 100, maxEntryBytes: 100 })
    lru.set('a', 'A', 40, FAR, 0)
    lru.set('b', 'B', 40, FAR, 0)
    expect(lru.get('a', 0)).toBe('A') // a is now the most recent
    lru.set('c', 'C', 40, FAR, 0)
    expect(lru.get('b', 0)).toBeUndefined()
    expect(lru.get('a', 0)).toBe('A')
    expect(lru.get('c', 0)).toBe('C')
    expect(lru.bytes).toBe(80)
    expect(lru.evictions).toBe(1)
  })

  it('never holds more than its bound', () => {
    const lru = new ByteLru<number>({ maxBytes: 1_000, maxEntryBytes: 300 })
    for (let index = 0; index < 500; index += 1) {
      lru.set(`k${index}`, index, 1 + ((index * 37) % 300), FAR, 0)
      expect(lru.bytes).toBeLessThanOrEqual(1_000)
    }
    expect(lru.get('k499', 0)).toBe(499)
  })

  it('refuses an entry larger than the largest allowed and keeps the others', () => {
    const lru = new ByteLru<string>({ maxBytes: 100 })
    expect(lru.maxEntryBytes).toBe(12)
    lru.set('a', 'A', 10, FAR, 0)
    expect(lru.set('big', 'B', 13, FAR, 0)).toBe('too_large')
    expect(lru.get('a', 0)).toBe('A')
    expect(lru.size).toBe(1)
  })

  it('replaces an entry of the same key, counting its bytes once', () => {
    const lru = new ByteLru<string>({ maxBytes: 100, maxEntryBytes: 100 })
    lru.set('a', 'old', 30, FAR, 0)
    lru.set('a', 'new', 50, FAR, 0)
    expect(lru.get('a', 0)).toBe('new')
    expect(lru.bytes).toBe(50)
    expect(lru.size).toBe(1)
  })

  it('serves an entry until its deadline and not at or after it', () => {
    const lru = new ByteLru<string>({ maxBytes: 100, maxEntryBytes: 100 })
    lru.set('a', 'A', 10, 5_000, 0)
    expect(lru.get('a', 4_999)).toBe('A')
    expect(lru.get('a', 5_000)).toBeUndefined()
    expect(lru.bytes).toBe(0)
    expect(lru.size).toBe(0)
  })

  it('drops expired entries first when making room, without counting them as evictions', () => {
    const lru = new ByteLru<string>({ maxBytes: 100, maxEntryBytes: 100 })
    lru.set('old', 'O', 60, 1_000, 0)
    lru.set('new', 'N', 30, FAR, 0)
    lru.set('more', 'M', 30, FAR, 2_000)
    expect(lru.get('new', 2_000)).toBe('N')
    expect(lru.get('more', 2_000)).toBe('M')
    expect(lru.evictions).toBe(0)
    expect(lru.bytes).toBe(60)
  })
})
