import type { RuntimeDeployment, RuntimeModel } from '../policy/runtime-policy.ts'
import type { DeploymentHealthRegistry } from './deployment-health.ts'
import type { RoundRobinTurns } from './round-robin-turns.ts'
import { selectDeployment } from './select-deployment.ts'

export interface ChoiceState {
  /** Deployments this request may not use again (e.g. our credentials were refused there). */
  readonly excluded: ReadonlySet<string>
  /** Deployments this request already tried. */
  readonly tried: ReadonlySet<string>
}

export interface ChoiceDeps {
  readonly health: DeploymentHealthRegistry
  readonly roundRobin: RoundRobinTurns
}

/**
 * The deployment of `model` for the next attempt, or null when none is left for this request.
 * Healthy deployments (breaker closed and not cooling down, or half-open with the probe slot
 * free) come first, untried ones before those already tried, chosen by the route's strategy.
 * When none is healthy, the model never goes dark: the one available soonest is used anyway
 * (untried first), since an ejected deployment may still answer and an error is certain
 * otherwise. Reads the pod's health; time and randomness come in.
 */
export function chooseDeployment(
  deps: ChoiceDeps,
  model: RuntimeModel,
  state: ChoiceState,
  nowMs: number,
  random: number,
): RuntimeDeployment | null {
  const allowed =
    state.excluded.size === 0
      ? model.servingDeployments
      : model.servingDeployments.filter((deployment) => !state.excluded.has(deployment.id))
  if (allowed.length === 0) return null
  let healthy = allowed.every((deployment) => deps.health.get(deployment.id).breaker.isSelectable(nowMs))
    ? allowed
    : allowed.filter((deployment) => deps.health.get(deployment.id).breaker.isSelectable(nowMs))
  if (state.tried.size > 0) {
    const untried = healthy.filter((deployment) => !state.tried.has(deployment.id))
    if (untried.length > 0) healthy = untried
  }
  if (healthy.length === 0) return soonestAvailable(deps, allowed, state.tried, nowMs)
  const strategy = model.route.strategy
  return selectDeployment({
    strategy,
    candidates: healthy,
    loadOf: (deployment) => deps.health.get(deployment.id),
    random,
    turn: strategy === 'round-robin' ? deps.roundRobin.take(model.name) : 0,
  })
}

function soonestAvailable(
  deps: ChoiceDeps,
  deployments: readonly RuntimeDeployment[],
  tried: ReadonlySet<string>,
  nowMs: number,
): RuntimeDeployment | null {
  let best: RuntimeDeployment | null = null
  let bestKey = Number.POSITIVE_INFINITY
  for (const deployment of deployments) {
    // Untried deployments sort before tried ones whatever their time.
    const penalty = tried.has(deployment.id) ? Number.MAX_SAFE_INTEGER / 2 : 0
    const key = deps.health.get(deployment.id).breaker.availableAtMs(nowMs) - nowMs + penalty
    if (key < bestKey) {
      best = deployment
      bestKey = key
    }
  }
  return best
}
