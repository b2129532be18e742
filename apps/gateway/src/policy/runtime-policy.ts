import {
  DEFAULT_FALLBACK_ON,
  type FallbackCondition,
  type KeyScope,
  type PolicySnapshot,
  ProviderCredentials,
  type ProviderTarget,
  RetryPolicy,
  type RouteCache,
  type RouteStrategy,
  RouteTimeouts,
  type SnapshotBudget,
  type SnapshotDeployment,
  type SnapshotKey,
  type SnapshotRateLimit,
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
  /** The route's exact cache; null: nothing on the route is cached. */
  readonly cache: RouteCache | null
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
  readonly modelsById: ReadonlyMap<string, RuntimeModel>
  /** Rate limits by scope: `key:<id>`, `team:<id>`, `user:<id>`, `model:<id>`. */
  readonly rateLimits: ReadonlyMap<string, readonly SnapshotRateLimit[]>
  /** Budgets by scope: `key:<id>`, `team:<id>`, `project:<id>`, `user:<id>`, `tag:<name>=<value>`. */
  readonly budgets: ReadonlyMap<string, readonly SnapshotBudget[]>
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
  return {
    revision: snapshot.revision,
    keysByHash: compileKeys(snapshot),
    models,
    modelsById,
    rateLimits: groupByScope(snapshot.rateLimits, (limit) => `${limit.scope.kind}:${limit.scope.id}`),
    budgets: groupByScope(snapshot.budgets, (budget) =>
      budget.scope.kind === 'tag'
        ? `tag:${budget.scope.name}=${budget.scope.value}`
        : `${budget.scope.kind}:${budget.scope.id}`,
    ),
  }
}

function groupByScope<T>(entries: readonly T[], scopeOf: (entry: T) => string): ReadonlyMap<string, readonly T[]> {
  return Map.groupBy(entries, scopeOf)
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
      cache: null,
    }
  }
  return {
    id: route.id,
    strategy: route.strategy,
    retries: route.retries,
    timeouts: route.timeouts,
    fallbackOn: new Set(route.fallbackOn),
    fallbacks,
    cache: route.cache ?? null,
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
  const compileKey = keyCompiler(snapshot)
  const keysByHash = new Map<string, RuntimeKey>()
  for (const key of snapshot.keys) keysByHash.set(key.hash, compileKey(key))
  return keysByHash
}

/**
 * The policy with a key overlay laid on its base: every key of the overlay replaces the base's
 * key with the same id (a key whose value changed leaves its old hash behind), everything else
 * is shared with the base. Always applied to the base, never to an earlier overlay: overlays
 * are cumulative. Reads only the snapshot's teams (the base's keys are in `base` alone).
 */
export function withKeyOverlay(
  base: RuntimePolicy,
  snapshot: PolicySnapshot,
  keys: readonly SnapshotKey[],
  revision: number,
): RuntimePolicy {
  const compileKey = keyCompiler(snapshot)
  const overlay = new Map<string, RuntimeKey>()
  for (const key of keys) overlay.set(key.hash, compileKey(key))
  return { ...base, revision, keysByHash: new OverlaidKeyMap(base.keysByHash, overlay) }
}

/**
 * Keys by hash with an overlay laid on a base map, without copying the base: a lookup tries the
 * overlay, then the base, whose key is hidden when the overlay carries its id. Laying an overlay
 * so costs its own size, not the base's (at 100,000 keys, copying the base's map took 30–230 ms
 * of a pod's time per overlay, and held a second map). Only iteration builds the merged map.
 */
class OverlaidKeyMap implements ReadonlyMap<string, RuntimeKey> {
  readonly #base: ReadonlyMap<string, RuntimeKey>
  readonly #overlay: ReadonlyMap<string, RuntimeKey>
  readonly #replacedIds: ReadonlySet<string>
  #merged: ReadonlyMap<string, RuntimeKey> | undefined

  constructor(base: ReadonlyMap<string, RuntimeKey>, overlay: ReadonlyMap<string, RuntimeKey>) {
    this.#base = base
    this.#overlay = overlay
    this.#replacedIds = new Set([...overlay.values()].map((key) => key.id))
  }

  get(hash: string): RuntimeKey | undefined {
    const changed = this.#overlay.get(hash)
    if (changed !== undefined) return changed
    const key = this.#base.get(hash)
    return key === undefined || this.#replacedIds.has(key.id) ? undefined : key
  }

  has(hash: string): boolean {
    return this.get(hash) !== undefined
  }

  get size(): number {
    return this.#all().size
  }

  entries() {
    return this.#all().entries()
  }

  keys() {
    return this.#all().keys()
  }

  values() {
    return this.#all().values()
  }

  [Symbol.iterator]() {
    return this.#all().entries()
  }

  forEach(callback: (key: RuntimeKey, hash: string, map: ReadonlyMap<string, RuntimeKey>) => void): void {
    for (const [hash, key] of this.#all()) callback(key, hash, this)
  }

  #all(): ReadonlyMap<string, RuntimeKey> {
    if (this.#merged === undefined) {
      const merged = new Map<string, RuntimeKey>()
      for (const [hash, key] of this.#base) if (!this.#replacedIds.has(key.id)) merged.set(hash, key)
      for (const [hash, key] of this.#overlay) merged.set(hash, key)
      this.#merged = merged
    }
    return this.#merged
  }
}

/**
 * Compiles the keys of one snapshot. Keys with the same allow-list in the same team share one
 * Set, and keys with the same scopes one Set: a third of 100,000 keys inheriting a team's list
 * of 25 models otherwise held 33,000 copies of it (about 20 MB).
 */
function keyCompiler(snapshot: PolicySnapshot): (key: SnapshotKey) => RuntimeKey {
  const teamModels = new Map(snapshot.teams.map((team) => [team.id, team.allowedModels]))
  const allowLists = new Map<string, ReadonlySet<string>>()
  const scopeSets = new Map<string, ReadonlySet<KeyScope>>()
  const allowListOf = (key: SnapshotKey): ReadonlySet<string> | null => {
    const teamAllowed = key.teamId === null ? null : (teamModels.get(key.teamId) ?? null)
    if (key.allowedModels === null && teamAllowed === null) return null
    // JSON, so that no two different lists share a cache key whatever characters they hold.
    const cacheKey = JSON.stringify([teamAllowed === null ? null : key.teamId, key.allowedModels])
    let allowed = allowLists.get(cacheKey)
    if (allowed === undefined) {
      allowed = intersectAllowLists(key.allowedModels, teamAllowed)
      allowLists.set(cacheKey, allowed)
    }
    return allowed
  }
  const scopesOf = (scopes: readonly KeyScope[]): ReadonlySet<KeyScope> => {
    const cacheKey = JSON.stringify(scopes)
    let set = scopeSets.get(cacheKey)
    if (set === undefined) {
      set = new Set(scopes)
      scopeSets.set(cacheKey, set)
    }
    return set
  }
  return (key) => ({
    id: key.id,
    orgId: key.orgId,
    teamId: key.teamId,
    projectId: key.projectId,
    environment: key.environment,
    userId: key.userId,
    tags: key.tags,
    allowedModels: allowListOf(key),
    expiresAtMs: key.expiresAt === null ? null : Date.parse(key.expiresAt),
    status: key.status,
    scopes: key.scopes === null ? null : scopesOf(key.scopes),
  })
}

/** At least one of the two is a list (both null allow every model, and need no Set). */
function intersectAllowLists(a: readonly string[] | null, b: readonly string[] | null): ReadonlySet<string> {
  if (a === null) return new Set(b)
  if (b === null) return new Set(a)
  const other = new Set(b)
  return new Set(a.filter((model) => other.has(model)))
}
