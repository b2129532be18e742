import type { ConfigFile } from '@switchyard/contracts'
import type { DatabaseHandle } from '@switchyard/db'
import { type HttpServerOptions, type Logger, startHttpServer } from '@switchyard/http-server'
import { loadPricingCatalog } from '@switchyard/pricing'
import { applyUsageRetention, type ClickHouseHandle, migrateUsageStore, querySpend } from '@switchyard/usage-store'
import { type AlertWebhook, BudgetAlerter } from './alerts/budget-alerter.ts'
import { createControlPlaneApp } from './app.ts'
import { type ApplySecrets, applyConfig, type MissingProviderSecretPolicy } from './apply/apply-config.ts'
import type { AdminTokenVerifier } from './auth/admin-auth.ts'
import { SnapshotPublisher } from './publish/snapshot-publisher.ts'
import { UsageReports } from './reports/usage-reports.ts'
import type { SpendSource } from './snapshot/budget-baselines.ts'
import {
  type PublishedSnapshot,
  publishKeyOverlay,
  publishSnapshot,
  type SnapshotSink,
} from './snapshot/publish-snapshot.ts'

export interface ControlPlaneRuntimeDeps {
  readonly database: DatabaseHandle
  readonly bus: SnapshotSink
  readonly log: Logger
  readonly http: HttpServerOptions
  /** Encrypts provider credentials, hashes keys, and the environment config secrets are read from. */
  readonly secrets: ApplySecrets
  /** A config file to apply before the first publish (the embedded mode's demo config). */
  readonly config?: ConfigFile
  /** Names the config in messages, e.g. its path. */
  readonly configSourceName?: string
  /** Default `fail`; the embedded mode applies such providers without credentials. */
  readonly missingProviderSecrets?: MissingProviderSecretPolicy
  readonly now?: () => Date
  /** The bootstrap admin token; undefined: only IdP tokens sign in. */
  readonly bootstrapToken?: string | undefined
  readonly verifyAdminToken?: AdminTokenVerifier | undefined
  /** Debounce of the publish after a change (default 25 ms, at most 250 ms late). */
  readonly publishDebounceMs?: number
  readonly publishMaxDelayMs?: number
  /** Past this many keys changed since the last policy snapshot, a whole one is published (default 5,000). */
  readonly maxOverlayKeys?: number
  /** ClickHouse, for the reports API; undefined: report routes answer 503. */
  readonly usageStore?: UsageStoreSettings | undefined
}

export interface UsageStoreSettings {
  readonly clickhouse: ClickHouseHandle
  readonly database: string
  /** Days raw events are kept; undefined: for ever. */
  readonly rawRetentionDays?: number | undefined
  /** Days the hourly rollup is kept; undefined: for ever. */
  readonly rollupRetentionDays?: number | undefined
  /** How often a policy snapshot is republished so budgets' starting spend moves on, and alerts are checked (default 10 min). */
  readonly budgetRefreshMs?: number | undefined
  /** Where budget alerts are posted; undefined: they are recorded and logged only. */
  readonly alertWebhook?: AlertWebhook | undefined
}

export interface RunningControlPlane {
  readonly url: string
  readonly lastPublished: PublishedSnapshot
  /** Resolves once every committed change is in a published snapshot. */
  flushPublishes(): Promise<void>
  stop(drainTimeoutMs: number): Promise<void>
}

/** How long an admin API call that asked for the revision waits for its publish. */
const PUBLISH_WAIT_MS = 10_000

/** Whether `promise` settled within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms)
  })
  try {
    return await Promise.race([promise.then(() => true), timedOut])
  } finally {
    clearTimeout(timer)
  }
}

/** Migrates, applies the given config, publishes the current snapshot, then serves the API. */
export async function startControlPlane(deps: ControlPlaneRuntimeDeps): Promise<RunningControlPlane> {
  const now = deps.now ?? (() => new Date())
  await deps.database.migrate()
  if (deps.config) {
    const { warnings, ...applied } = await applyConfig(deps.database.db, deps.config, deps.secrets, {
      ...(deps.missingProviderSecrets === undefined ? {} : { missingProviderSecrets: deps.missingProviderSecrets }),
      pricing: { catalog: loadPricingCatalog(), at: now() },
      ...(deps.configSourceName === undefined ? {} : { sourceName: deps.configSourceName }),
    })
    for (const warning of warnings) deps.log.warn({ path: warning.path }, warning.message)
    deps.log.info(applied, 'config applied')
  }
  const store = deps.usageStore
  const reports = store === undefined ? undefined : await openUsageReports(deps, store)
  // Budgets start from the spend the usage store holds for their window.
  const spend: SpendSource | undefined =
    store === undefined ? undefined : { spend: (query) => querySpend(store.clickhouse.client, store.database, query) }
  const first = await publishSnapshot(deps.database.db, deps.bus, now, spend)
  deps.log.info(first, 'policy snapshot published')
  const publisher = new SnapshotPublisher({
    publish: () => publishSnapshot(deps.database.db, deps.bus, now, spend),
    publishKeys: () => publishKeyOverlay(deps.database.db, deps.bus, now, deps.maxOverlayKeys ?? 5_000),
    log: deps.log,
    ...(deps.publishDebounceMs === undefined ? {} : { debounceMs: deps.publishDebounceMs }),
    ...(deps.publishMaxDelayMs === undefined ? {} : { maxDelayMs: deps.publishMaxDelayMs }),
  })
  const lastPublished = () => publisher.last ?? first
  const alerter =
    spend === undefined
      ? undefined
      : new BudgetAlerter({ db: deps.database.db, spend, webhook: store?.alertWebhook, log: deps.log, now })
  const checkAlerts = () => {
    alerter?.check().catch((error: unknown) => deps.log.error({ err: error }, 'budget alert check failed'))
  }
  const baselineRefresh =
    spend === undefined
      ? undefined
      : setInterval(
          () => {
            publisher.schedule('policy')
            checkAlerts()
          },
          store?.budgetRefreshMs ?? 10 * 60_000,
        )
  baselineRefresh?.unref()
  checkAlerts()
  const server = await startHttpServer(
    createControlPlaneApp({
      database: deps.database,
      log: deps.log,
      lastPublishedRevision: () => lastPublished().revision,
      keyPepper: deps.secrets.keyPepper,
      keyring: deps.secrets.keyring,
      pricing: loadPricingCatalog(),
      bootstrapToken: deps.bootstrapToken,
      verifyAdminToken: deps.verifyAdminToken,
      onChange: (kind) => publisher.schedule(kind),
      // The caller's changes are committed whatever happens; with the bus down, the answer does
      // not wait past the timeout for a publish that will retry on its own.
      publishNow: async () =>
        (await settlesWithin(publisher.flush(), PUBLISH_WAIT_MS)) ? lastPublished().revision : undefined,
      secretsEnv: deps.secrets.env,
      reports,
    }),
    deps.http,
  )
  deps.log.info({ url: server.url }, 'control plane listening')
  return {
    url: server.url,
    get lastPublished() {
      return lastPublished()
    },
    flushPublishes: () => publisher.flush(),
    async stop(drainTimeoutMs) {
      clearInterval(baselineRefresh)
      await server.close(drainTimeoutMs)
      // What is committed but unpublished is published by the next start (it publishes the current state).
      await settlesWithin(publisher.flush(), drainTimeoutMs)
      await publisher.stop()
    },
  }
}

/** Migrates the usage store (idempotent, like the ingester does), sets its retention, and wraps it. */
async function openUsageReports(deps: ControlPlaneRuntimeDeps, store: UsageStoreSettings): Promise<UsageReports> {
  await migrateUsageStore(store.clickhouse.client, store.database)
  await applyUsageRetention(store.clickhouse.client, store.database, store)
  deps.log.info({ target: store.clickhouse.target, database: store.database }, 'usage store ready for reports')
  return new UsageReports({
    clickhouse: store.clickhouse.client,
    database: store.database,
    db: deps.database.db,
    pricing: loadPricingCatalog(),
    rawRetentionDays: store.rawRetentionDays,
    ...(deps.now === undefined ? {} : { now: deps.now }),
  })
}
