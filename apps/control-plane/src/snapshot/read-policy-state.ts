import {
  AlertThresholdsPct,
  BudgetScope,
  BudgetWindow,
  EncryptedEnvelope,
  FallbackCondition,
  JwtAlgorithm,
  JwtClaimMapping,
  JwtKeySource,
  KeyScope,
  KeyStatus,
  ModelPrice,
  ProviderTarget,
  RateLimitScope,
  RetryPolicy,
  RouteCache,
  RouteStrategy,
  RouteTimeouts,
  SnapshotOnExceed,
  Tags,
  ThroughputLimit,
  TimeZone,
} from '@switchyard/contracts'
import {
  apiKeys,
  budgets,
  type Database,
  deployments,
  jwtIssuers,
  models,
  orgs,
  projects,
  providers,
  rateLimits,
  routes,
  teams,
} from '@switchyard/db'
import { z } from 'zod'
import type { PolicyState } from './compile-snapshot.ts'

const StoredRoutePolicy = z.strictObject({
  strategy: RouteStrategy,
  retries: RetryPolicy,
  timeouts: RouteTimeouts,
  fallbackOn: z.array(FallbackCondition),
  cache: RouteCache.optional(),
})

const StoredSettings = z.record(z.string(), z.unknown())

/** A stored column that does not parse: names the row and column, never the value (it may be secret). */
export class StoredRowError extends Error {
  override readonly name = 'StoredRowError'
}

function parseColumn<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ')
    throw new StoredRowError(`${where} does not hold a valid value (at ${fields})`)
  }
  return parsed.data
}

/**
 * Reads everything a snapshot is compiled from, in the caller's transaction, and parses the
 * jsonb columns with the contracts' schemas: the one place rows become typed state. Queries run
 * one after another, since a transaction is one connection.
 */
/** A stored budget with its jsonb and enum columns parsed. */
export function parseBudgetRow(row: typeof budgets.$inferSelect): PolicyState['budgets'][number] {
  return {
    id: row.id,
    orgId: row.orgId,
    name: row.name,
    scope: parseColumn(BudgetScope, row.scope, `budgets ${row.id} scope`),
    window: parseColumn(BudgetWindow, row.window, `budgets ${row.id} window`),
    timeZone: parseColumn(TimeZone, row.timeZone, `budgets ${row.id} time_zone`),
    limitMicroUsd: row.limitMicroUsd,
    alertThresholdsPct: parseColumn(
      AlertThresholdsPct,
      row.alertThresholdsPct,
      `budgets ${row.id} alert_thresholds_pct`,
    ),
    onExceed: parseColumn(SnapshotOnExceed, row.onExceed, `budgets ${row.id} on_exceed`),
  }
}

/** A stored key with its jsonb and enum columns parsed. */
export function parseKeyRow(row: typeof apiKeys.$inferSelect): PolicyState['keys'][number] {
  return {
    ...row,
    tags: parseColumn(Tags, row.tags, `api_keys ${row.id} tags`),
    status: parseColumn(KeyStatus, row.status, `api_keys ${row.id} status`),
    scopes: parseColumn(z.array(KeyScope).nullable(), row.scopes, `api_keys ${row.id} scopes`),
  }
}

export async function readPolicyState(tx: Database): Promise<PolicyState> {
  const orgRows = await tx.select().from(orgs)
  const teamRows = await tx.select().from(teams)
  const projectRows = await tx.select().from(projects)
  const providerRows = await tx.select().from(providers)
  const routeRows = await tx.select().from(routes)
  const modelRows = await tx.select().from(models)
  const deploymentRows = await tx.select().from(deployments)
  const keyRows = await tx.select().from(apiKeys)
  const jwtIssuerRows = await tx.select().from(jwtIssuers)
  const rateLimitRows = await tx.select().from(rateLimits)
  const budgetRows = await tx.select().from(budgets)
  return {
    orgs: orgRows,
    teams: teamRows,
    projects: projectRows,
    providers: providerRows.map((row) => ({
      id: row.id,
      name: row.name,
      target: parseColumn(
        ProviderTarget,
        { ...parseColumn(StoredSettings, row.target, `providers ${row.id} target`), type: row.type },
        `providers ${row.id} target`,
      ),
      credentials: parseColumn(EncryptedEnvelope.nullable(), row.credentials, `providers ${row.id} credentials`),
    })),
    routes: routeRows.map((row) => ({
      id: row.id,
      name: row.name,
      policy: parseColumn(StoredRoutePolicy, row.policy, `routes ${row.id} policy`),
      fallbackModelIds: row.fallbackModelIds,
    })),
    models: modelRows,
    deployments: deploymentRows.map((row) => ({
      ...row,
      prices: parseColumn(ModelPrice, row.prices, `deployments ${row.id} prices`),
      limits: parseColumn(ThroughputLimit.nullable(), row.limits, `deployments ${row.id} limits`),
    })),
    keys: keyRows.map(parseKeyRow),
    jwtIssuers: jwtIssuerRows.map((row) => ({
      id: row.id,
      orgId: row.orgId,
      issuer: row.issuer,
      audiences: row.audiences,
      keySource: parseColumn(JwtKeySource, row.keySource, `jwt_issuers ${row.id} key_source`),
      algorithms: parseColumn(z.array(JwtAlgorithm), row.algorithms, `jwt_issuers ${row.id} algorithms`),
      claims: parseColumn(JwtClaimMapping, row.claims, `jwt_issuers ${row.id} claims`),
      clockToleranceSec: row.clockToleranceSec,
    })),
    rateLimits: rateLimitRows.map((row) => ({
      id: row.id,
      name: row.name,
      scope: parseColumn(RateLimitScope, row.scope, `rate_limits ${row.id} scope`),
      requestsPerMinute: row.requestsPerMinute,
      tokensPerMinute: row.tokensPerMinute,
    })),
    budgets: budgetRows.map(parseBudgetRow),
  }
}
