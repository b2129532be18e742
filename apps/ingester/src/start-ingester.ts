import { type HttpServerOptions, type Logger, startHttpServer } from '@switchyard/http-server'
import { type ClickHouseHandle, migrateUsageStore } from '@switchyard/usage-store'
import { createIngesterApp } from './app.ts'

export interface IngesterRuntimeDeps {
  readonly clickhouse: ClickHouseHandle
  readonly database: string
  readonly log: Logger
  readonly http: HttpServerOptions
}

export interface RunningIngester {
  readonly url: string
  stop(drainTimeoutMs: number): Promise<void>
}

/** Migrates the usage store and serves health; the JetStream → ClickHouse loop plugs in here. */
export async function startIngester(deps: IngesterRuntimeDeps): Promise<RunningIngester> {
  const migrations = await migrateUsageStore(deps.clickhouse.client, deps.database)
  deps.log.info({ migrations, database: deps.database }, 'usage store migrated')
  const server = await startHttpServer(createIngesterApp({ clickhouse: deps.clickhouse, log: deps.log }), deps.http)
  deps.log.info({ url: server.url }, 'ingester listening')
  return { url: server.url, stop: (drainTimeoutMs) => server.close(drainTimeoutMs) }
}
