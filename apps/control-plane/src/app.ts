import type { DatabaseHandle } from '@switchyard/db'
import { healthRoutes, installErrorHandling, type Logger } from '@switchyard/http-server'
import { Hono } from 'hono'

export interface ControlPlaneDeps {
  readonly database: DatabaseHandle
  readonly log: Logger
  /** Revision of the last snapshot this replica published, for operators. */
  readonly lastPublishedRevision: () => number | undefined
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
  return app
}
