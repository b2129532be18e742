import {
  DEFAULT_FALLBACK_ON,
  type FallbackCondition,
  type KeyScope,
  type PolicySnapshot,
  ProviderCredentials,
  type ProviderTarget,
  RetryPolicy,
  type RouteStrategy,
  RouteTimeouts,
  type SnapshotDeployment,
  type SnapshotKey,
  type SnapshotRoute,
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
  /** Input + output price per MTok: what the `lowest-cost` strategy compares. */
  readonly costRankMicroUsd: number
  readonly provider: RuntimeProvider
}

/**
 * How calls to a model are routed, compiled once per snapshot. Routes are shared by the models
 * that name them; a model without a route gets the built-in defaults.
 */
export interface RuntimeRoute {
  /** Null for the built-in defaults of a model without a route. */
  readonly id: string | null
  readonly strategy: RouteStrategy
  readonly retries: RetryPolicy
  readonly timeouts: RouteTimeouts
  readonly fallbackOn: ReadonlySet<FallbackCondition>
  /**
   * Models tried in order once this route's own model is exhausted. Resolved to the compiled
   * models themselves, so fallbacks may point back at each other (A → B → A): the attempt loop
   * follows only the first model's list, and never visits a model twice.
   */
  readonly fallbacks: readonly RuntimeModel[]
}

export interface RuntimeModel {
  readonly id: string
  readonly name: string
  readonly deployments: readonly RuntimeDeployment[]
  /** The deployments that take traffic: weight above 0, or all of them when every weight is 0. */
  readonly servingDeployments: readonly RuntimeDeployment[]
  readonly totalWeight: number
  /** The route's timeouts (a shortcut for `route.timeouts`). */
  readonly timeouts: RouteTimeouts
  readonly route: RuntimeRoute
}

/** Settings of a model without a route. */
const DEFAULT_TIMEOUTS: RouteTimeouts = RouteTimeouts.parse({})
const DEFAULT_RETRIES: RetryPolicy = RetryPolicy.parse({})

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
  /** The APIs the key may call; null or absent: all of them. */
  readonly scopes?: ReadonlySet<KeyScope> | null
  /** Set when the caller presented a JWT instead of a key (then `id` names the issuer, and no key id is metered). */
  readonly jwt?: { readonly issuerId: string; readonly roles: readonly string[] }
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
 * keeps serving its last good policy. Nothing mutable lives here: the health of deployments is
 * the pod's (`DeploymentHealthRegistry`), keyed by deployment id, and outlives snapshot swaps.
 */
export function compileRuntimePolicy(snapshot: PolicySnapshot, keyring: Keyring | undefined): RuntimePolicy {
  const providers = compileProviders(snapshot, keyring)
  // Two passes: routes first with empty fallback lists, filled once every model exists, so
  // fallbacks can reference models in any order (cycles included).
  const fallbackLists = new Map<string, RuntimeModel[]>()
  const routes = new Map<string, RuntimeRoute>()
  for (const route of snapshot.routes) {
    const fallbacks: RuntimeModel[] = []
    fallbackLists.set(route.id, fallbacks)
    routes.set(route.id, compileRoute(route, fallbacks))
  }
  const defaultRoute = compileRoute(null, [])

  const models = new Map<string, RuntimeModel>()
  const modelsById = new Map<string, RuntimeModel>()
  for (const model of snapshot.models) {
    const deployments = model.deployments.map((deployment) => compileDeployment(deployment, providers))
    const serving = deployments.filter((deployment) => deployment.weight > 0)
    const route = model.routeId === null ? defaultRoute : (routes.get(model.routeId) ?? defaultRoute)
    const compiled: RuntimeModel = {
      id: model.id,
      name: model.name,
      deployments,
      servingDeployments: serving.length > 0 ? serving : deployments,
      totalWeight: deployments.reduce((sum, deployment) => sum + deployment.weight, 0),
      timeouts: route.timeouts,
      route,
    }
    models.set(model.name, compiled)
    modelsById.set(model.id, compiled)
  }
  for (const route of snapshot.routes) {
    const fallbacks = fallbackLists.get(route.id) ?? []
    for (const modelId of new Set(route.fallbackModelIds)) {
      const model = modelsById.get(modelId)
      if (!model) throw new PolicyCompileError(`route ${route.name} falls back to unknown model ${modelId}`)
      fallbacks.push(model)
    }
  }
  return { revision: snapshot.revision, keysByHash: compileKeys(snapshot), models }
}

function compileProviders(snapshot: PolicySnapshot, keyring: Keyring | undefined): Map<string, RuntimeProvider> {
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
  return providers
}

function compileRoute(route: SnapshotRoute | null, fallbacks: readonly RuntimeModel[]): RuntimeRoute {
  if (route === null) {
    return {
      id: null,
      strategy: 'weighted',
      retries: DEFAULT_RETRIES,
      timeouts: DEFAULT_TIMEOUTS,
      fallbackOn: new Set(DEFAULT_FALLBACK_ON),
      fallbacks,
    }
  }
  return {
    id: route.id,
    strategy: route.strategy,
    retries: route.retries,
    timeouts: route.timeouts,
    fallbackOn: new Set(route.fallbackOn),
    fallbacks,
  }
}

function compileDeployment(
  deployment: SnapshotDeployment,
  providers: ReadonlyMap<string, RuntimeProvider>,
): RuntimeDeployment {
  const provider = providers.get(deployment.providerId)
  if (!provider)
    throw new PolicyCompileError(`deployment ${deployment.id} names unknown provider ${deployment.providerId}`)
  return {
    id: deployment.id,
    upstreamModel: deployment.upstreamModel,
    weight: deployment.weight,
    prices: deployment.prices,
    costRankMicroUsd: deployment.prices.inputMicroUsdPerMTok + deployment.prices.outputMicroUsdPerMTok,
    provider,
  }
}

function compileKeys(snapshot: PolicySnapshot): Map<string, RuntimeKey> {
  const teamModels = new Map(snapshot.teams.map((team) => [team.id, team.allowedModels]))
  const keysByHash = new Map<string, RuntimeKey>()
  for (const key of snapshot.keys) keysByHash.set(key.hash, compileKey(key, teamModels))
  return keysByHash
}

/**
 * The policy with a key overlay laid on its base: every key of the overlay replaces the base's
 * key with the same id (a key whose value changed leaves its old hash behind), everything else
 * is shared with the base. Always applied to the base, never to an earlier overlay: overlays
 * are cumulative.
 */
export function withKeyOverlay(
  base: RuntimePolicy,
  snapshot: PolicySnapshot,
  keys: readonly SnapshotKey[],
  revision: number,
): RuntimePolicy {
  const teamModels = new Map(snapshot.teams.map((team) => [team.id, team.allowedModels]))
  const hashById = baseKeyHashes(snapshot)
  const keysByHash = new Map(base.keysByHash)
  for (const key of keys) {
    const previous = hashById.get(key.id)
    if (previous !== undefined) keysByHash.delete(previous)
    keysByHash.set(key.hash, compileKey(key, teamModels))
  }
  return { ...base, revision, keysByHash }
}

const keyHashesBySnapshot = new WeakMap<PolicySnapshot, ReadonlyMap<string, string>>()

/** Key id → hash of a base snapshot, built on its first overlay and kept while it is current. */
function baseKeyHashes(snapshot: PolicySnapshot): ReadonlyMap<string, string> {
  let hashes = keyHashesBySnapshot.get(snapshot)
  if (hashes === undefined) {
    hashes = new Map(snapshot.keys.map((key) => [key.id, key.hash]))
    keyHashesBySnapshot.set(snapshot, hashes)
  }
  return hashes
}

function compileKey(key: SnapshotKey, teamModels: ReadonlyMap<string, readonly string[] | null>): RuntimeKey {
  const teamAllowed = key.teamId === null ? null : (teamModels.get(key.teamId) ?? null)
  return {
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
    scopes: key.scopes === null ? null : new Set(key.scopes),
  }
}

function intersectAllowLists(a: readonly string[] | null, b: readonly string[] | null): ReadonlySet<string> | null {
  if (a === null) return b === null ? null : new Set(b)
  if (b === null) return new Set(a)
  const other = new Set(b)
  return new Set(a.filter((model) => other.has(model)))
}
