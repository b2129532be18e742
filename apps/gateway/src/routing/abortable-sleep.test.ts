import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ClientClosedError } from '../upstream/upstream-client.ts'
import { abortableSleep } from './abortable-sleep.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('abortableSleep', () => {
  it('resolves after the time has passed', async () => {
    let isDone = false
    const sleeping = abortableSleep(500, new AbortController().signal).then(() => {
      isDone = true
    })
    await vi.advanceTimersByTimeAsync(499)
    expect(isDone).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await sleeping
    expect(isDone).toBe(true)
  })

  it('rejects as soon as the client leaves, and at once if it already left', async () => {
    const client = new AbortController()
    const sleeping = abortableSleep(10_000, client.signal)
    client.abort()
    await expect(sleeping).rejects.toBeInstanceOf(ClientClosedError)
    await expect(abortableSleep(1, client.signal)).rejects.toBeInstanceOf(ClientClosedError)
    expect(vi.getTimerCount()).toBe(0)
  })
})
