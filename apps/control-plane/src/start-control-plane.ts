import type { ConfigFile } from '@switchyard/contracts'
import type { DatabaseHandle } from '@switchyard/db'
import { type HttpServerOptions, type Logger, startHttpServer } from '@switchyard/http-server'
import { loadPricingCatalog } from '@switchyard/pricing'
import { createControlPlaneApp } from './app.ts'
import { type ApplySecrets, applyConfig, type MissingProviderSecretPolicy } from './apply/apply-config.ts'
import { type PublishedSnapshot, publishSnapshot, type SnapshotSink } from './snapshot/publish-snapshot.ts'

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
}

export interface RunningControlPlane {
  readonly url: string
  readonly lastPublished: PublishedSnapshot
  stop(drainTimeoutMs: number): Promise<void>
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
  const lastPublished = await publishSnapshot(deps.database.db, deps.bus, now)
  deps.log.info(lastPublished, 'policy snapshot published')
  const server = await startHttpServer(
    createControlPlaneApp({
      database: deps.database,
      log: deps.log,
      lastPublishedRevision: () => lastPublished.revision,
    }),
    deps.http,
  )
  deps.log.info({ url: server.url }, 'control plane listening')
  return {
    url: server.url,
    get lastPublished() {
      return lastPublished
    },
    stop: (drainTimeoutMs) => server.close(drainTimeoutMs),
  }
}
