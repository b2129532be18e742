import {
  type BudgetScope,
  type BudgetWindow,
  type EncryptedEnvelope,
  type FallbackCondition,
  type JwtIssuer,
  type KeyScope,
  type KeyStatus,
  type ModelPrice,
  PolicySnapshot,
  type ProviderTarget,
  type RateLimitScope,
  type RetryPolicy,
  type RouteCache,
  type RouteStrategy,
  type RouteTimeouts,
  SNAPSHOT_SCHEMA_VERSION,
  type SnapshotBudget,
  type SnapshotKey,
  type SnapshotModel,
  type SnapshotOnExceed,
  type ThroughputLimit,
} from '@switchyard/contracts'
import { budgetWindowStart } from '@switchyard/policy'

/** The control plane's state as the compiler needs it: rows, with their jsonb parsed. */
export interface PolicyState {
  readonly orgs: ReadonlyArray<{ id: string; name: string }>
  readonly teams: ReadonlyArray<{ id: string; orgId: string; name: string; allowedModels: string[] | null }>
  readonly projects: ReadonlyArray<{ id: string; teamId: string; name: string }>
  readonly providers: ReadonlyArray<{
    id: string
    name: string
    target: ProviderTarget
    credentials: EncryptedEnvelope | null
  }>
  readonly routes: ReadonlyArray<{
    id: string
    name: string
    policy: {
      strategy: RouteStrategy
      retries: RetryPolicy
      timeouts: RouteTimeouts
      fallbackOn: FallbackCondition[]
      cache?: RouteCache | undefined
    }
    fallbackModelIds: string[]
  }>
  readonly models: ReadonlyArray<{ id: string; name: string; routeId: string | null }>
  readonly deployments: ReadonlyArray<{
    id: string
    modelId: string
    providerId: string
    upstreamModel: string
    weight: number
    prices: ModelPrice
    limits: ThroughputLimit | null
    position: number
  }>
  readonly keys: ReadonlyArray<{
    id: string
    name: string
    keyHash: string
    prefix: string
    orgId: string
    teamId: string | null
    projectId: string | null
    environment: string | null
    userId: string | null
    tags: Record<string, string>
    allowedModels: string[] | null
    scopes: KeyScope[] | null
    expiresAt: Date | null
    status: KeyStatus
  }>
  readonly jwtIssuers: ReadonlyArray<JwtIssuer>
  readonly rateLimits: ReadonlyArray<{
    id: string
    name: string
    scope: RateLimitScope
    requestsPerMinute: number | null
    tokensPerMinute: number | null
  }>
  readonly budgets: ReadonlyArray<{
    id: string
    orgId: string
    name: string
    scope: BudgetScope
    window: BudgetWindow
    timeZone: string
    limitMicroUsd: number
    alertThresholdsPct: number[]
    onExceed: SnapshotOnExceed
  }>
  /**
   * Each budget's spend in its current window up to `spentThrough`, read from the usage store;
   * a budget without one starts from zero at its window's start.
   */
  readonly budgetBaselines?: ReadonlyMap<string, { readonly spentMicroUsd: number; readonly spentThrough: Date }>
}

/** Code-unit order, not locale order, so equal states compile to equal bytes on any machine. */
const compareIds = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
const byId = <T extends { id: string }>(rows: ReadonlyArray<T>): T[] => [...rows].sort(compareIds)

/**
 * Compiles the control plane's state into the snapshot pods serve from. Pure: the revision and
 * the clock come in as arguments. Sections are sorted by id and deployments by position, so
 * equal states compile to equal bytes. A budget's window is the one in force at `generatedAt`;
 * its spend baseline is 0 until usage feeds back into the control plane.
 */
export function compileSnapshot(state: PolicyState, revision: number, generatedAt: Date): PolicySnapshot {
  const served = compileModels(state)
  // Models that exist but cannot serve; an id naming no model at all is left for the schema to refuse.
  const servedIds = new Set(served.map((model) => model.id))
  const unserved = new Set(state.models.map((model) => model.id).filter((id) => !servedIds.has(id)))
  return PolicySnapshot.parse({
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    revision,
    generatedAt: generatedAt.toISOString(),
    orgs: byId(state.orgs).map(({ id, name }) => ({ id, name })),
    teams: byId(state.teams).map(({ id, orgId, name, allowedModels }) => ({ id, orgId, name, allowedModels })),
    projects: byId(state.projects).map(({ id, teamId, name }) => ({ id, teamId, name })),
    keys: byId(state.keys).map(compileKey),
    jwtIssuers: byId(state.jwtIssuers).map((issuer) => ({ ...issuer })),
    providers: byId(state.providers).map(({ id, name, target, credentials }) => ({ id, name, target, credentials })),
    models: served,
    routes: byId(state.routes).map(({ id, name, policy, fallbackModelIds }) => ({
      id,
      name,
      ...policy,
      fallbackModelIds: fallbackModelIds.filter((modelId) => !unserved.has(modelId)),
    })),
    rateLimits: byId(state.rateLimits)
      .filter(({ scope }) => scope.kind !== 'model' || !unserved.has(scope.id))
      .map(({ id, name, scope, requestsPerMinute, tokensPerMinute }) => ({
        id,
        name,
        scope,
        ...(requestsPerMinute === null ? {} : { requestsPerMinute }),
        ...(tokensPerMinute === null ? {} : { tokensPerMinute }),
      })),
    budgets: byId(state.budgets).map((budget) =>
      compileBudget(unservedDowngradeRejects(budget, unserved), generatedAt, state.budgetBaselines?.get(budget.id)),
    ),
  })
}

function compileBudget(
  budget: PolicyState['budgets'][number],
  now: Date,
  baseline: { readonly spentMicroUsd: number; readonly spentThrough: Date } | undefined,
): SnapshotBudget {
  const windowStartsAt = budgetWindowStart(budget.window, budget.timeZone, now)
  // A baseline read for an earlier window (the window turned since) does not apply.
  const applies = baseline !== undefined && baseline.spentThrough.getTime() >= windowStartsAt.getTime()
  return {
    id: budget.id,
    name: budget.name,
    scope: budget.scope,
    window: budget.window,
    timeZone: budget.timeZone,
    limitMicroUsd: budget.limitMicroUsd,
    spentMicroUsd: applies ? baseline.spentMicroUsd : 0,
    windowStartsAt: windowStartsAt.toISOString(),
    spentThrough: (applies ? baseline.spentThrough : windowStartsAt).toISOString(),
    onExceed: budget.onExceed,
    alertThresholdsPct: budget.alertThresholdsPct,
  }
}

/** A key as pods know it: hash and prefix, never the key. */
export function compileKey(key: PolicyState['keys'][number]): SnapshotKey {
  return {
    id: key.id,
    name: key.name,
    hash: key.keyHash,
    prefix: key.prefix,
    orgId: key.orgId,
    teamId: key.teamId,
    projectId: key.projectId,
    environment: key.environment,
    userId: key.userId,
    tags: key.tags,
    allowedModels: key.allowedModels,
    scopes: key.scopes,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    status: key.status,
  }
}

/**
 * A budget cannot downgrade to a model that is not served (it has no deployments yet): until it
 * has, the budget rejects once spent, the safe reading of "do not spend more".
 */
function unservedDowngradeRejects<B extends PolicyState['budgets'][number]>(
  budget: B,
  unserved: ReadonlySet<string>,
): B {
  const { onExceed } = budget
  if (onExceed.action !== 'downgrade' || !unserved.has(onExceed.modelId)) return budget
  return { ...budget, onExceed: { action: 'reject' } }
}

/**
 * Models with their deployments in position order. A model without deployments (created through
 * the admin API before its first deployment) cannot serve, so it is left out, and fallbacks and
 * model-scoped limits that name it with it.
 */
function compileModels(state: PolicyState): SnapshotModel[] {
  const byModel = Map.groupBy(state.deployments, (deployment) => deployment.modelId)
  return byId(state.models)
    .filter(({ id }) => byModel.has(id))
    .map(({ id, name, routeId }) => ({
      id,
      name,
      routeId,
      deployments: [...(byModel.get(id) ?? [])]
        .sort((a, b) => a.position - b.position || compareIds(a, b))
        .map(({ id, providerId, upstreamModel, weight, prices, limits }) => ({
          id,
          providerId,
          upstreamModel,
          weight,
          prices,
          limits,
        })),
    }))
}
