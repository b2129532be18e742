import { describe, expect, it } from 'vitest'
import { RetryBudget } from './retry-budget.ts'

describe('RetryBudget', () => {
  it('allows the floor of concurrent retries under light load', () => {
    const budget = new RetryBudget()
    budget.startRequest()
    expect([1, 2, 3, 4].map(() => budget.tryAcquireRetry())).toEqual([true, true, true, false])
    expect(budget.deniedRetries).toBe(1)
    budget.releaseRetry()
    expect(budget.tryAcquireRetry()).toBe(true)
  })

  it('grows with the requests in flight (20 %)', () => {
    const budget = new RetryBudget()
    for (let i = 0; i < 50; i++) budget.startRequest()
    expect(budget.limit()).toBe(10)
    let granted = 0
    while (budget.tryAcquireRetry()) granted += 1
    expect(granted).toBe(10)
    for (let i = 0; i < 40; i++) budget.endRequest()
    expect(budget.limit()).toBe(3)
    expect(budget.tryAcquireRetry()).toBe(false)
  })

  it('takes its settings', () => {
    const budget = new RetryBudget({ ratio: 0.5, minConcurrentRetries: 0 })
    expect(budget.tryAcquireRetry()).toBe(false)
    budget.startRequest()
    budget.startRequest()
    expect(budget.tryAcquireRetry()).toBe(true)
    expect(budget.retriesInFlight).toBe(1)
  })
})
