import {
  type PolicySnapshot,
  ProviderCredentials,
  type ProviderTarget,
  RouteTimeouts,
  type SnapshotDeployment,
  type SnapshotKey,
} from '@switchyard/contracts'
import { decryptJson, type Keyring } from '@switchyard/secrets'

export interface RuntimeProvider {
  readonly id: string
  readonly name: string
  readonly target: ProviderTarget
  /** Decrypted once per snapshot; lives only in this pod's memory. */
  readonly credentials: ProviderCredentials | null
}

export interface RuntimeDeployment {
  readonly id: string
  readonly upstreamModel: string
  readonly weight: number
  readonly prices: SnapshotDeployment['prices']
  readonly provider: RuntimeProvider
}

export interface RuntimeModel {
  readonly name: string
  readonly deployments: readonly RuntimeDeployment[]
  readonly totalWeight: number
  readonly timeouts: RouteTimeouts
}

/** Timeouts of a model without a route. */
const DEFAULT_TIMEOUTS: RouteTimeouts = RouteTimeouts.parse({})

export interface RuntimeKey {
  readonly id: string
  readonly orgId: string
  readonly teamId: string | null
  readonly projectId: string | null
  readonly environment: string | null
  readonly userId: string | null
  readonly tags: Readonly<Record<string, string>>
  /** Intersection of the key's and its team's allow-lists; null allows every model. */
  readonly allowedModels: ReadonlySet<string> | null
  readonly expiresAtMs: number | null
  readonly status: SnapshotKey['status']
}

/** The snapshot compiled for the request path: every lookup is one Map read. */
export interface RuntimePolicy {
  readonly revision: number
  readonly keysByHash: ReadonlyMap<string, RuntimeKey>
  readonly models: ReadonlyMap<string, RuntimeModel>
}

export class PolicyCompileError extends Error {
  override readonly name = 'PolicyCompileError'
}

/**
 * Compiles a validated snapshot once, when it arrives. Provider credentials are decrypted here
 * with the pod's keyring; a snapshot whose credentials do not open is refused whole, so the pod
 * keeps serving its last good policy.
 */
export function compileRuntimePolicy(snapshot: PolicySnapshot, keyring: Keyring | undefined): RuntimePolicy {
  const providers = new Map<string, RuntimeProvider>()
  for (const provider of snapshot.providers) {
    let credentials: ProviderCredentials | null = null
    if (provider.credentials) {
      if (!keyring)
        throw new PolicyCompileError(`provider ${provider.name} has credentials but this pod has no keyring`)
      const parsed = ProviderCredentials.safeParse(decryptJson(keyring, provider.credentials, provider.id))
      if (!parsed.success || parsed.data.type !== provider.target.type) {
        throw new PolicyCompileError(`provider ${provider.name}: credentials do not match its type`)
      }
      credentials = parsed.data
    }
    providers.set(provider.id, { id: provider.id, name: provider.name, target: provider.target, credentials })
  }

  const routes = new Map(snapshot.routes.map((route) => [route.id, route]))
  const models = new Map<string, RuntimeModel>()
  for (const model of snapshot.models) {
    const deployments = model.deployments.map((deployment): RuntimeDeployment => {
      const provider = providers.get(deployment.providerId)
      if (!provider)
        throw new PolicyCompileError(`deployment ${deployment.id} names unknown provider ${deployment.providerId}`)
      return {
        id: deployment.id,
        upstreamModel: deployment.upstreamModel,
        weight: deployment.weight,
        prices: deployment.prices,
        provider,
      }
    })
    const totalWeight = deployments.reduce((sum, deployment) => sum + deployment.weight, 0)
    const timeouts =
      model.routeId === null ? DEFAULT_TIMEOUTS : (routes.get(model.routeId)?.timeouts ?? DEFAULT_TIMEOUTS)
    models.set(model.name, { name: model.name, deployments, totalWeight, timeouts })
  }

  const teamModels = new Map(snapshot.teams.map((team) => [team.id, team.allowedModels]))
  const keysByHash = new Map<string, RuntimeKey>()
  for (const key of snapshot.keys) {
    const teamAllowed = key.teamId === null ? null : (teamModels.get(key.teamId) ?? null)
    keysByHash.set(key.hash, {
      id: key.id,
      orgId: key.orgId,
      teamId: key.teamId,
      projectId: key.projectId,
      environment: key.environment,
      userId: key.userId,
      tags: key.tags,
      allowedModels: intersectAllowLists(key.allowedModels, teamAllowed),
      expiresAtMs: key.expiresAt === null ? null : Date.parse(key.expiresAt),
      status: key.status,
    })
  }
  return { revision: snapshot.revision, keysByHash, models }
}

function intersectAllowLists(a: readonly string[] | null, b: readonly string[] | null): ReadonlySet<string> | null {
  if (a === null) return b === null ? null : new Set(b)
  if (b === null) return new Set(a)
  const other = new Set(b)
  return new Set(a.filter((model) => other.has(model)))
}
