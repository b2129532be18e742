import type { RouteStrategy } from '@switchyard/contracts'
import type { RuntimeDeployment } from '../policy/runtime-policy.ts'

/** What the load-aware strategies read about a deployment. */
export interface DeploymentLoad {
  readonly inFlight: number
  /** Moving average of the time to first byte; null before the first answer. */
  readonly latencyEwmaMs: number | null
}

export interface SelectionInput {
  readonly strategy: RouteStrategy
  /** The deployments allowed right now; never empty. */
  readonly candidates: readonly RuntimeDeployment[]
  readonly loadOf: (deployment: RuntimeDeployment) => DeploymentLoad
  /** In [0, 1): decides weighted choices and ties. */
  readonly random: number
  /** The model's round-robin counter (taken and advanced by the caller). */
  readonly turn: number
}

/**
 * Picks one deployment by the route's strategy. Pure: load, randomness and the round-robin turn
 * come in. Ties (equal in-flight, latency or price) are broken by weight, so weights still mean
 * something under every strategy.
 */
export function selectDeployment(input: SelectionInput): RuntimeDeployment {
  const { candidates, random } = input
  const only = candidates[0]
  if (!only) throw new Error('selectDeployment needs at least one candidate')
  if (candidates.length === 1) return only
  switch (input.strategy) {
    case 'weighted':
      return pickWeighted(candidates, random)
    case 'round-robin':
      return candidates[input.turn % candidates.length] ?? only
    case 'least-in-flight':
      return pickWeighted(
        lowest(candidates, (deployment) => input.loadOf(deployment).inFlight),
        random,
      )
    case 'least-latency':
      // No sample yet counts as fastest, so a new or recovered deployment is measured first.
      return pickWeighted(
        lowest(candidates, (deployment) => input.loadOf(deployment).latencyEwmaMs ?? 0),
        random,
      )
    case 'lowest-cost':
      return pickWeighted(
        lowest(candidates, (deployment) => deployment.costRankMicroUsd),
        random,
      )
  }
}

/** Weighted random choice; uniform when every weight is 0. */
export function pickWeighted(deployments: readonly RuntimeDeployment[], random: number): RuntimeDeployment {
  let totalWeight = 0
  for (const deployment of deployments) totalWeight += deployment.weight
  if (totalWeight <= 0) {
    const uniform = deployments[Math.min(deployments.length - 1, Math.floor(random * deployments.length))]
    if (!uniform) throw new Error('pickWeighted needs at least one deployment')
    return uniform
  }
  let remaining = random * totalWeight
  for (const deployment of deployments) {
    if (deployment.weight === 0) continue
    remaining -= deployment.weight
    if (remaining < 0) return deployment
  }
  // Only reached through rounding at the top end.
  const last = deployments.findLast((deployment) => deployment.weight > 0)
  if (!last) throw new Error('unreachable: a positive total weight has a positive weight')
  return last
}

/** The deployments that share the lowest score. */
function lowest(
  deployments: readonly RuntimeDeployment[],
  score: (deployment: RuntimeDeployment) => number,
): RuntimeDeployment[] {
  let best = Number.POSITIVE_INFINITY
  let winners: RuntimeDeployment[] = []
  for (const deployment of deployments) {
    const value = score(deployment)
    if (value < best) {
      best = value
      winners = [deployment]
    } else if (value === best) {
      winners.push(deployment)
    }
  }
  return winners
}
