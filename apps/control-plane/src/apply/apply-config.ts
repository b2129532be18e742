import { ConfigError, type ConfigIssue, type ResolvedEnvRefs, resolveEnvRefs } from '@switchyard/config'
import type { ConfigFile } from '@switchyard/contracts'
import { type Database, models } from '@switchyard/db'
import type { PricingCatalog } from '@switchyard/pricing'
import type { Keyring } from '@switchyard/secrets'
import { sql } from 'drizzle-orm'
import { applyKeys, planKeys } from './apply-keys.ts'
import { applyModels, type DeploymentChanges } from './apply-models.ts'
import { applyProviders, type ProviderToApply } from './apply-providers.ts'
import { applyRoutes } from './apply-routes.ts'
import { applyTenancy, type TenancyApplyResult } from './apply-tenancy.ts'
import type { ApplyWarning } from './apply-warning.ts'
import { priceDeployments } from './price-deployments.ts'
import { readProviderSecrets } from './provider-secrets.ts'
import { newEntityId, type SectionChanges } from './row-change.ts'

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
}

export interface ApplyConfigResult extends TenancyApplyResult {
  readonly providers: SectionChanges
  readonly routes: SectionChanges
  readonly models: SectionChanges
  readonly deployments: DeploymentChanges
  readonly keys: SectionChanges & { readonly skipped: number }
  readonly warnings: readonly ApplyWarning[]
}

/** Serialises applies across control-plane replicas; an arbitrary constant of ours. */
const APPLY_LOCK_ID = 0x5359_4150

/**
 * Applies a config file to Postgres in one transaction: tenancy, providers (credentials from the
 * environment, encrypted), routes, models with their deployments, and keys (hash and prefix
 * only). Idempotent: the same file and environment leave the same rows, ids and hashes. Entries
 * the file no longer lists are kept (pruning comes with the diff); a model's deployments are the
 * exception, replaced wholesale. Secrets are checked before anything is written, and errors
 * name variables and keys, never a value.
 */
export async function applyConfig(
  db: Database,
  config: ConfigFile,
  secrets: ApplySecrets,
  options: ApplyOptions = {},
): Promise<ApplyConfigResult> {
  const sourceName = options.sourceName ?? 'config'
  const env = resolveEnvRefs(config, secrets.env, sourceName)
  const providerPlan = planProviders(config, env, options.missingProviderSecrets ?? 'fail')
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
  return await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${APPLY_LOCK_ID})`)
    const tenancy = await applyTenancy(tx, config)
    const providers = await applyProviders(tx, providerPlan.providers, secrets.keyring)
    const modelIds = await assignModelIds(tx, config)
    const routes = await applyRoutes(tx, config.routes, modelIds)
    const catalog = await applyModels(tx, priced.models, {
      modelIds,
      routeIds: routes.ids,
      providerIds: providers.ids,
    })
    const keys = await applyKeys(tx, keyPlan.keys, tenancy.ids)
    return {
      ...tenancy.counts,
      providers: providers.changes,
      routes: routes.changes,
      models: catalog.changes,
      deployments: catalog.deployments,
      keys: { ...keys, skipped: keyPlan.warnings.length },
      warnings: [...providerPlan.warnings, ...keyPlan.warnings, ...priced.warnings],
    }
  })
}

function planProviders(
  config: ConfigFile,
  env: ResolvedEnvRefs,
  policy: MissingProviderSecretPolicy,
): { providers: ProviderToApply[]; warnings: ApplyWarning[]; issues: ConfigIssue[] } {
  const warnings: ApplyWarning[] = []
  const issues: ConfigIssue[] = []
  const providers = config.providers.map((provider, index): ProviderToApply => {
    const secrets = readProviderSecrets(provider, index, env)
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
