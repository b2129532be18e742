import { ConfigError, type ConfigIssue, type ResolvedEnvRefs, resolveEnvRefs } from '@switchyard/config'
import type { ConfigChange, ConfigFile } from '@switchyard/contracts'
import { type Database, models, providers } from '@switchyard/db'
import type { PricingCatalog } from '@switchyard/pricing'
import type { Keyring } from '@switchyard/secrets'
import { isNotNull, sql } from 'drizzle-orm'
import { type Actor, recordAudit, SYSTEM_ACTOR } from '../audit/record-audit.ts'
import { applyJwtIssuers } from './apply-jwt-issuers.ts'
import { applyKeys, planKeys } from './apply-keys.ts'
import { applyModels } from './apply-models.ts'
import { applyProviders, type ProviderToApply } from './apply-providers.ts'
import { applyRoutes } from './apply-routes.ts'
import { applySpend } from './apply-spend.ts'
import { applyTenancy } from './apply-tenancy.ts'
import { applyUsers } from './apply-users.ts'
import type { ApplyWarning } from './apply-warning.ts'
import { ChangeLog } from './change-log.ts'
import { priceDeployments } from './price-deployments.ts'
import { readProviderSecrets } from './provider-secrets.ts'
import { pruneConfig } from './prune-config.ts'
import { newEntityId } from './row-change.ts'

/** What the control plane encrypts and hashes with, and the environment `{ env: NAME }` reads. */
export interface ApplySecrets {
  readonly keyring: Keyring
  readonly keyPepper: Buffer
  readonly env: Readonly<Record<string, string | undefined>>
}

/**
 * What to do with a provider whose type needs credentials when a variable they come from is
 * unset. `fail` refuses the whole config; `apply-without` applies the provider with no
 * credentials and warns, so the gateway answers its requests with a 502
 * `upstream_credentials_missing` (the embedded demo, which runs before any key is set).
 */
export type MissingProviderSecretPolicy = 'fail' | 'apply-without'

export interface ApplyOptions {
  readonly missingProviderSecrets?: MissingProviderSecretPolicy
  /** Prices deployments the config gives none for; without it they are priced at zero. */
  readonly pricing?: { readonly catalog: PricingCatalog; readonly at: Date }
  /** Names the config in error messages, e.g. its file path. */
  readonly sourceName?: string
  /** Compute the diff and roll everything back: the diff is exactly what a real apply would do. */
  readonly dryRun?: boolean
  /** Also delete what the file no longer lists (dependents first). Without it nothing is deleted. */
  readonly prune?: boolean
  /** Who the audit log names; default the control plane itself. */
  readonly actor?: Actor
  /** The admin API request this apply serves, recorded with its audit entries. */
  readonly requestId?: string
}

export interface ApplyConfigResult {
  readonly dryRun: boolean
  /** Every entry created, updated or deleted, in section order; empty when nothing changed. */
  readonly changes: readonly ConfigChange[]
  readonly warnings: readonly ApplyWarning[]
}

/** Serialises applies across control-plane replicas; an arbitrary constant of ours. */
const APPLY_LOCK_ID = 0x5359_4150

/** Carries a dry run's result out of the transaction it rolls back. */
class DryRunRollback extends Error {
  override readonly name = 'DryRunRollback'
  readonly result: ApplyConfigResult
  constructor(result: ApplyConfigResult) {
    super('dry run: rolled back')
    this.result = result
  }
}

/**
 * Applies a config file to Postgres in one transaction: tenancy, users and their roles, JWT
 * issuers, providers (credentials from the environment, encrypted), routes, models with their
 * deployments, keys (hash and prefix only), rate limits and budgets. Idempotent: the same file
 * and environment leave the same rows, ids, hashes and versions, and write no audit row. Rows the
 * file no longer lists are kept unless `prune` is set; a model's deployments and a user's roles
 * are the exception, replaced wholesale. Every change gets one audit row, in the same
 * transaction. Secrets are checked before anything is written, and errors and the diff name
 * variables and keys, never a value.
 */
export async function applyConfig(
  db: Database,
  config: ConfigFile,
  secrets: ApplySecrets,
  options: ApplyOptions = {},
): Promise<ApplyConfigResult> {
  const sourceName = options.sourceName ?? 'config'
  const env = resolveEnvRefs(config, secrets.env, sourceName)
  const withStoredCredentials = new Set(
    (await db.select({ name: providers.name }).from(providers).where(isNotNull(providers.credentials))).map(
      (row) => row.name,
    ),
  )
  const providerPlan = planProviders(config, env, options.missingProviderSecrets ?? 'fail', withStoredCredentials)
  const keyPlan = planKeys(config.keys, env, secrets.keyPepper)
  const issues = [...providerPlan.issues, ...keyPlan.issues]
  const priced = options.pricing
    ? priceDeployments(config.models, config.providers, options.pricing.catalog, options.pricing.at)
    : { models: config.models, warnings: [] }
  if (issues.length > 0) {
    throw new ConfigError(sourceName, issues, {
      summary: `${sourceName} cannot be applied because of its secrets:`,
    })
  }
  const isDryRun = options.dryRun ?? false
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${APPLY_LOCK_ID})`)
      const log = new ChangeLog()
      const tenancy = await applyTenancy(tx, log, config)
      const userIds = await applyUsers(tx, log, config.users, tenancy)
      const jwtIssuerIds = await applyJwtIssuers(tx, log, config.jwtIssuers, tenancy)
      const providerIds = await applyProviders(tx, log, providerPlan.providers, secrets.keyring)
      const modelIds = await assignModelIds(tx, config)
      const routeIds = await applyRoutes(tx, log, config.routes, modelIds)
      await applyModels(tx, log, priced.models, { modelIds, routeIds, providerIds })
      const keys = await applyKeys(tx, log, keyPlan.keys, { tenancy, userIds })
      const spend = await applySpend(tx, log, config, {
        tenancy,
        keyIds: keys.ids,
        keyTeams: new Map(config.keys.map((key) => [key.name, key.team])),
        modelIds,
        sourceName,
      })
      if (options.prune) {
        const ids = (map: ReadonlyMap<string, string>) => new Set(map.values())
        await pruneConfig(tx, log, {
          orgs: ids(tenancy.orgIds),
          teams: ids(tenancy.teamIds),
          projects: ids(tenancy.projectIds),
          users: ids(userIds),
          jwtIssuers: jwtIssuerIds,
          providers: ids(providerIds),
          routes: ids(routeIds),
          models: ids(modelIds),
          keys: ids(keys.ids),
          rateLimits: spend.rateLimitIds,
          budgets: spend.budgetIds,
        })
      }
      await recordAudit(tx, options.actor ?? SYSTEM_ACTOR, log.audit, options.requestId ?? null)
      const result: ApplyConfigResult = {
        dryRun: isDryRun,
        changes: log.changes,
        warnings: [...providerPlan.warnings, ...keys.warnings, ...priced.warnings, ...spend.warnings],
      }
      if (isDryRun) throw new DryRunRollback(result)
      return result
    })
  } catch (error) {
    if (error instanceof DryRunRollback) return error.result
    throw error
  }
}

/**
 * Reads each provider's secrets from the environment. A provider that already has credentials
 * stored and whose variables are unset keeps them, with a warning (as a key keeps its value):
 * an exported file applies back without the secrets in the environment.
 */
function planProviders(
  config: ConfigFile,
  env: ResolvedEnvRefs,
  policy: MissingProviderSecretPolicy,
  withStoredCredentials: ReadonlySet<string>,
): { providers: ProviderToApply[]; warnings: ApplyWarning[]; issues: ConfigIssue[] } {
  const warnings: ApplyWarning[] = []
  const issues: ConfigIssue[] = []
  const providers = config.providers.map((provider, index): ProviderToApply => {
    const secrets = readProviderSecrets(provider, index, env)
    if (secrets.missing.length > 0 && withStoredCredentials.has(provider.name)) {
      const names = secrets.missing.map((use) => use.env).join(', ')
      warnings.push({
        path: secrets.missing[0]?.path ?? `providers[${index}]`,
        message: `provider ${provider.name} keeps its stored credentials: ${names} not set`,
      })
      return { config: provider, credentials: 'keep' }
    }
    for (const use of secrets.missing) {
      const unset = `environment variable ${use.env} is not set`
      if (secrets.isCredentialOptional || policy === 'apply-without') {
        const consequence = secrets.isCredentialOptional
          ? 'requests to it are sent without credentials'
          : 'requests to it get a 502 upstream_credentials_missing'
        warnings.push({
          path: use.path,
          message: `provider ${provider.name} applied without credentials: ${unset}; ${consequence}`,
        })
      } else {
        issues.push({
          path: use.path,
          message: `${unset} (provider ${provider.name} of type ${provider.type} needs it)`,
        })
      }
    }
    return { config: provider, credentials: secrets.credentials }
  })
  return { providers, warnings, issues }
}

/** Routes store fallbacks by model id, so every model of the file gets its id before either is written. */
async function assignModelIds(tx: Database, config: ConfigFile): Promise<ReadonlyMap<string, string>> {
  const current = new Map(
    (await tx.select({ id: models.id, name: models.name }).from(models)).map((m) => [m.name, m.id]),
  )
  return new Map(config.models.map((model) => [model.name, current.get(model.name) ?? newEntityId('model')]))
}
