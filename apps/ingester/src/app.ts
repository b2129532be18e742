import { healthRoutes, installErrorHandling, type Logger } from '@switchyard/http-server'
import type { ClickHouseHandle } from '@switchyard/usage-store'
import { Hono } from 'hono'

export interface IngesterDeps {
  readonly clickhouse: ClickHouseHandle
  readonly log: Logger
}

/** The ingester's HTTP surface: health only; its work is the usage consumer loop. */
export function createIngesterApp(deps: IngesterDeps): Hono {
  const app = installErrorHandling(new Hono(), deps.log)
  app.route(
    '/',
    healthRoutes('ingester', async () => {
      await deps.clickhouse.ping()
      return { isReady: true, details: { clickhouse: deps.clickhouse.target } }
    }),
  )
  return app
}
