import { UpstreamError, type UpstreamErrorClass } from '@switchyard/providers'
import { describe, expect, it } from 'vitest'
import { CircuitBreaker, DEFAULT_BREAKER_SETTINGS } from './circuit-breaker.ts'
import { failurePolicy, recordFailureHealth } from './failure-policy.ts'

function error(errorClass: UpstreamErrorClass, retryAfterMs: number | null = null) {
  return new UpstreamError({ errorClass, status: 500, upstreamStatus: 500, message: 'x', type: 'x', retryAfterMs })
}

describe('failurePolicy', () => {
  it.each([
    ['rate_limited', 'same', '429'],
    ['overloaded', 'same', '5xx'],
    ['server_error', 'same', '5xx'],
    ['timeout', 'same', 'timeout'],
    ['connection_error', 'same', 'connection_error'],
    ['context_length', 'none', 'context_length'],
    ['content_policy', 'none', 'content_policy'],
    ['authentication', 'other', null],
    ['not_found', 'other', null],
    ['invalid_request', 'none', null],
  ] as const)('%s: retry %s, falls back on %s', (errorClass, retry, fallbackOn) => {
    expect(failurePolicy(errorClass)).toMatchObject({ retry, fallbackOn })
  })
})

describe('recordFailureHealth', () => {
  const breaker = () => new CircuitBreaker({ ...DEFAULT_BREAKER_SETTINGS, consecutiveFailures: 1 })

  it('counts server failures, and a 429 that does not say when', () => {
    for (const failed of [error('overloaded'), error('rate_limited'), error('authentication')]) {
      const b = breaker()
      recordFailureHealth(b, failed, false, 0)
      expect(b.state(0)).toBe('open')
    }
  })

  it('cools a deployment down on a 429 with Retry-After, without a failure', () => {
    const b = breaker()
    recordFailureHealth(b, error('rate_limited', 2_000), false, 100)
    expect(b.state(100)).toBe('closed')
    expect(b.availableAtMs(100)).toBe(2_100)
  })

  it('counts a request the provider refused as proof the deployment is alive', () => {
    const b = breaker()
    b.recordFailure(false, 0)
    recordFailureHealth(b, error('context_length'), b.begin(1_000), 1_000)
    expect(b.state(1_000)).toBe('closed')
  })
})
