import type { RouteStrategy } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import type { RuntimeDeployment } from '../policy/runtime-policy.ts'
import { fixtureDeployment } from './runtime-model-fixture.ts'
import { type DeploymentLoad, pickWeighted, selectDeployment } from './select-deployment.ts'

const a = fixtureDeployment('a', { weight: 3, inputPrice: 100, outputPrice: 400 })
const b = fixtureDeployment('b', { weight: 1, inputPrice: 300, outputPrice: 100 })
const c = fixtureDeployment('c', { weight: 1, inputPrice: 150, outputPrice: 600 })

function select(
  strategy: RouteStrategy,
  loads: Record<string, Partial<DeploymentLoad>> = {},
  random = 0,
  turn = 0,
  candidates: readonly RuntimeDeployment[] = [a, b, c],
) {
  return selectDeployment({
    strategy,
    candidates,
    loadOf: (deployment) => ({ inFlight: 0, latencyEwmaMs: null, ...loads[deployment.id] }),
    random,
    turn,
  }).id
}

describe('selectDeployment', () => {
  it('weighted: splits by weight', () => {
    expect(select('weighted', {}, 0)).toBe('a')
    expect(select('weighted', {}, 0.59)).toBe('a')
    expect(select('weighted', {}, 0.6)).toBe('b')
    expect(select('weighted', {}, 0.99)).toBe('c')
  })

  it('round-robin: takes the turn modulo the candidates', () => {
    expect([0, 1, 2, 3, 4].map((turn) => select('round-robin', {}, 0, turn))).toEqual(['a', 'b', 'c', 'a', 'b'])
  })

  it('least-in-flight: fewest attempts in flight, ties by weight', () => {
    expect(select('least-in-flight', { a: { inFlight: 4 }, b: { inFlight: 1 }, c: { inFlight: 2 } })).toBe('b')
    const tie = { a: { inFlight: 1 }, b: { inFlight: 0 }, c: { inFlight: 0 } }
    expect(select('least-in-flight', tie, 0.4)).toBe('b')
    expect(select('least-in-flight', tie, 0.6)).toBe('c')
  })

  it('least-latency: lowest moving average, unmeasured first', () => {
    const measured = { a: { latencyEwmaMs: 80 }, b: { latencyEwmaMs: 30 }, c: { latencyEwmaMs: 50 } }
    expect(select('least-latency', measured)).toBe('b')
    expect(select('least-latency', { ...measured, c: { latencyEwmaMs: null } })).toBe('c')
  })

  it('lowest-cost: input + output price, ties by weight', () => {
    expect(select('lowest-cost')).toBe('b')
    const twin = fixtureDeployment('twin', { weight: 3, inputPrice: 200, outputPrice: 200 })
    expect(select('lowest-cost', {}, 0.1, 0, [b, twin, c])).toBe('b')
    expect(select('lowest-cost', {}, 0.5, 0, [b, twin, c])).toBe('twin')
  })

  it('returns the only candidate whatever the strategy', () => {
    expect(select('lowest-cost', {}, 0.9, 7, [c])).toBe('c')
  })
})

describe('pickWeighted', () => {
  it('is uniform when every weight is 0', () => {
    const zeros = [fixtureDeployment('x', { weight: 0 }), fixtureDeployment('y', { weight: 0 })]
    expect(pickWeighted(zeros, 0.2).id).toBe('x')
    expect(pickWeighted(zeros, 0.7).id).toBe('y')
  })

  it('never picks a weight-0 deployment next to weighted ones', () => {
    const mixed = [fixtureDeployment('x', { weight: 0 }), fixtureDeployment('y', { weight: 2 })]
    expect(pickWeighted(mixed, 0).id).toBe('y')
    expect(pickWeighted(mixed, 0.9999999).id).toBe('y')
  })
})
