import type { RuntimeDeployment, RuntimeModel } from '../policy/runtime-policy.ts'

/** Weighted random choice; `random` in [0, 1) comes in so the choice is testable. */
export function pickDeployment(model: RuntimeModel, random: number): RuntimeDeployment {
  let remaining = random * model.totalWeight
  for (const deployment of model.deployments) {
    remaining -= deployment.weight
    if (remaining < 0) return deployment
  }
  // Only reached through rounding at the top end, or when every weight is 0.
  const last = model.deployments.at(-1)
  if (!last) throw new Error(`model ${model.name} has no deployments`)
  return last
}
