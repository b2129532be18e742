import { describe, expect, it } from 'vitest'
import { chooseDeployment } from './choose-deployment.ts'
import { DeploymentHealthRegistry } from './deployment-health.ts'
import { RoundRobinTurns } from './round-robin-turns.ts'
import { fixtureDeployment, fixtureModel } from './runtime-model-fixture.ts'

const a = fixtureDeployment('a')
const b = fixtureDeployment('b')
const c = fixtureDeployment('c')
const none = new Set<string>()

function setup(strategy: 'weighted' | 'round-robin' = 'weighted') {
  const deps = { health: new DeploymentHealthRegistry(), roundRobin: new RoundRobinTurns() }
  const model = fixtureModel('m', [a, b, c], { strategy })
  const eject = (id: string, nowMs: number) => {
    const breaker = deps.health.get(id).breaker
    for (let i = 0; i < 5; i++) breaker.recordFailure(false, nowMs)
  }
  return { deps, model, eject }
}

describe('chooseDeployment', () => {
  it('picks among healthy deployments by the strategy', () => {
    const { deps, model, eject } = setup()
    eject('a', 0)
    expect(chooseDeployment(deps, model, { excluded: none, tried: none }, 10, 0)?.id).toBe('b')
    expect(chooseDeployment(deps, model, { excluded: none, tried: none }, 10, 0.9)?.id).toBe('c')
  })

  it('prefers deployments this request has not tried yet, then tried healthy ones', () => {
    const { deps, model } = setup()
    expect(chooseDeployment(deps, model, { excluded: none, tried: new Set(['a', 'b']) }, 0, 0)?.id).toBe('c')
    expect(chooseDeployment(deps, model, { excluded: none, tried: new Set(['a', 'b', 'c']) }, 0, 0.5)?.id).toBe('b')
  })

  it('skips excluded deployments and answers null when none is left', () => {
    const { deps, model } = setup()
    expect(chooseDeployment(deps, model, { excluded: new Set(['a', 'b']), tried: none }, 0, 0)?.id).toBe('c')
    expect(chooseDeployment(deps, model, { excluded: new Set(['a', 'b', 'c']), tried: none }, 0, 0)).toBeNull()
  })

  it('never leaves a model dark: with all ejected, the one available soonest', () => {
    const { deps, model, eject } = setup()
    eject('a', 300)
    eject('b', 100)
    eject('c', 200)
    expect(chooseDeployment(deps, model, { excluded: none, tried: none }, 400, 0)?.id).toBe('b')
    // …untried ones first within the request.
    expect(chooseDeployment(deps, model, { excluded: none, tried: new Set(['b']) }, 400, 0)?.id).toBe('c')
  })

  it('treats a 429 cool-down like an ejection', () => {
    const { deps, model } = setup()
    deps.health.get('a').breaker.coolDownUntil(5_000)
    deps.health.get('b').breaker.coolDownUntil(5_000)
    expect(chooseDeployment(deps, model, { excluded: none, tried: none }, 0, 0)?.id).toBe('c')
  })

  it('advances the model round-robin turn on each choice', () => {
    const { deps, model } = setup('round-robin')
    const picks = [0, 1, 2, 3].map(() => chooseDeployment(deps, model, { excluded: none, tried: none }, 0, 0)?.id)
    expect(picks).toEqual(['a', 'b', 'c', 'a'])
  })
})
