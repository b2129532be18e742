import type { DatabaseHandle } from '@switchyard/db'
import { healthRoutes, installErrorHandling, type Logger } from '@switchyard/http-server'
import type { PricingCatalog } from '@switchyard/pricing'
import type { Keyring } from '@switchyard/secrets'
import { Hono } from 'hono'
import { createAdminApi } from './api/admin-api.ts'
import type { AdminTokenVerifier } from './auth/admin-auth.ts'
import type { ChangeKind } from './publish/snapshot-publisher.ts'
import type { UsageReports } from './reports/usage-reports.ts'

export interface ControlPlaneDeps {
  readonly database: DatabaseHandle
  readonly log: Logger
  /** Revision of the last snapshot this replica published, for operators. */
  readonly lastPublishedRevision: () => number | undefined
  /** Pepper of the keyed API key hashes, shared with the gateways. */
  readonly keyPepper: Buffer
  /** Encrypts provider credentials (shared with the gateways). */
  readonly keyring: Keyring
  readonly pricing: PricingCatalog
  readonly bootstrapToken?: string | undefined
  readonly verifyAdminToken?: AdminTokenVerifier | undefined
  /** Called after every committed change, to publish a new snapshot. */
  readonly onChange: (kind?: ChangeKind) => void
  /** Resolves with the revision once every committed change is published. */
  readonly publishNow: () => Promise<number | undefined>
  /** The environment a config file's `{ env: NAME }` secrets are read from. */
  readonly secretsEnv: Readonly<Record<string, string | undefined>>
  /** Cost reports over ClickHouse; undefined: the report routes answer 503. */
  readonly reports?: UsageReports | undefined
}

/** The control plane's HTTP API. It opens nothing; main.ts hands it the database and bus. */
export function createControlPlaneApp(deps: ControlPlaneDeps): Hono {
  const app = installErrorHandling(new Hono(), deps.log)
  app.route(
    '/',
    healthRoutes('control-plane', async () => {
      await deps.database.ping()
      return {
        isReady: true,
        details: { database: deps.database.driver, snapshotRevision: deps.lastPublishedRevision() ?? null },
      }
    }),
  )
  app.route(
    '/',
    createAdminApi({
      db: deps.database.db,
      keyPepper: deps.keyPepper,
      keyring: deps.keyring,
      pricing: deps.pricing,
      bootstrapToken: deps.bootstrapToken,
      verifyToken: deps.verifyAdminToken,
      onChange: deps.onChange,
      publishNow: deps.publishNow,
      secretsEnv: deps.secretsEnv,
      reports: deps.reports,
    }),
  )
  return app
}
