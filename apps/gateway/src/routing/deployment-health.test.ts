import { describe, expect, it } from 'vitest'
import { DeploymentHealthRegistry, nextEwma } from './deployment-health.ts'

describe('nextEwma', () => {
  it('takes the first sample as it is, then moves 30 % toward each new one', () => {
    expect(nextEwma(null, 100)).toBe(100)
    expect(nextEwma(100, 200)).toBe(130)
  })
})

describe('DeploymentHealthRegistry', () => {
  it('keeps one entry per deployment id, across lookups', () => {
    const registry = new DeploymentHealthRegistry()
    const health = registry.get('dep')
    health.begin(0)
    expect(registry.get('dep').inFlight).toBe(1)
    health.end()
    health.end()
    expect(registry.get('dep').inFlight).toBe(0)
  })

  it('takes partial breaker settings over the defaults', () => {
    const registry = new DeploymentHealthRegistry({ baseEjectionMs: 50 })
    expect(registry.settings).toMatchObject({ baseEjectionMs: 50, consecutiveFailures: 5, maxEjectionMs: 60_000 })
  })

  it('retains only the deployments a new snapshot still has', () => {
    const registry = new DeploymentHealthRegistry()
    registry.get('kept').recordFirstByte(40)
    registry.get('dropped')
    registry.retain(new Set(['kept']))
    expect(registry.size).toBe(1)
    expect(registry.get('kept').latencyEwmaMs).toBe(40)
  })
})
