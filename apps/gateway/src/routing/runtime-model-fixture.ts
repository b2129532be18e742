import { DEFAULT_FALLBACK_ON, type FallbackCondition, RetryPolicy, RouteTimeouts } from '@switchyard/contracts'
import type { RuntimeDeployment, RuntimeModel, RuntimeRoute } from '../policy/runtime-policy.ts'

/** Test fixtures: compiled models and deployments without going through a snapshot. */
export function fixtureDeployment(
  id: string,
  overrides: { weight?: number; inputPrice?: number; outputPrice?: number } = {},
): RuntimeDeployment {
  const prices = { inputMicroUsdPerMTok: overrides.inputPrice ?? 1, outputMicroUsdPerMTok: overrides.outputPrice ?? 1 }
  return {
    id,
    upstreamModel: `up-${id}`,
    weight: overrides.weight ?? 1,
    prices,
    costRankMicroUsd: prices.inputMicroUsdPerMTok + prices.outputMicroUsdPerMTok,
    provider: { id: `prov-${id}`, name: `provider-${id}`, target: { type: 'openai' }, credentials: null },
  }
}

export interface FixtureRoute {
  readonly strategy?: RuntimeRoute['strategy']
  readonly retries?: Partial<RetryPolicy>
  readonly timeouts?: Partial<RouteTimeouts>
  readonly fallbackOn?: readonly FallbackCondition[]
  readonly fallbacks?: readonly RuntimeModel[]
}

export function fixtureModel(
  name: string,
  deployments: readonly RuntimeDeployment[],
  route: FixtureRoute = {},
): RuntimeModel {
  const timeouts = RouteTimeouts.parse(route.timeouts ?? {})
  const serving = deployments.filter((deployment) => deployment.weight > 0)
  return {
    id: `model-${name}`,
    name,
    deployments,
    servingDeployments: serving.length > 0 ? serving : deployments,
    totalWeight: deployments.reduce((sum, deployment) => sum + deployment.weight, 0),
    timeouts,
    route: {
      id: `route-${name}`,
      strategy: route.strategy ?? 'weighted',
      retries: RetryPolicy.parse(route.retries ?? {}),
      timeouts,
      fallbackOn: new Set(route.fallbackOn ?? DEFAULT_FALLBACK_ON),
      fallbacks: route.fallbacks ?? [],
      cache: null,
    },
  }
}
