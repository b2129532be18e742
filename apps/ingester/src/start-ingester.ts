import { setTimeout as delay } from 'node:timers/promises'
import type { Bus } from '@switchyard/bus'
import { type HttpServerOptions, type Logger, startHttpServer } from '@switchyard/http-server'
import { type ClickHouseHandle, migrateUsageStore } from '@switchyard/usage-store'
import { createIngesterApp } from './app.ts'
import { type IngestOptions, type IngestStats, ingestUsage } from './ingest/ingest-usage.ts'

export interface IngesterRuntimeDeps {
  readonly clickhouse: ClickHouseHandle
  readonly database: string
  readonly bus: Bus
  readonly log: Logger
  readonly http: HttpServerOptions
  readonly ingest?: Partial<Omit<IngestOptions, 'database'>>
}

export interface RunningIngester {
  readonly url: string
  readonly stats: IngestStats
  /** Stops consuming (unacked events stay in the stream), then stops serving. */
  stop(drainTimeoutMs: number): Promise<void>
}

/** Migrates the usage store, runs the bus → ClickHouse loop, and serves health. */
export async function startIngester(deps: IngesterRuntimeDeps): Promise<RunningIngester> {
  const migrations = await migrateUsageStore(deps.clickhouse.client, deps.database)
  deps.log.info({ migrations, database: deps.database }, 'usage store migrated')
  const stats: IngestStats = { inserted: 0, deadLettered: 0, insertFailures: 0, ackFailures: 0 }
  const stopping = new AbortController()
  const options: IngestOptions = {
    database: deps.database,
    maxBatch: 1_000,
    maxWaitMs: 250,
    ackWaitMs: 30_000,
    retryBackoffMs: 500,
    ...deps.ingest,
  }
  const loop = superviseIngest(deps, options, stopping.signal, stats)
  const server = await startHttpServer(createIngesterApp({ clickhouse: deps.clickhouse, log: deps.log }), deps.http)
  deps.log.info({ url: server.url }, 'ingester listening')
  return {
    url: server.url,
    stats,
    async stop(drainTimeoutMs) {
      stopping.abort()
      await loop
      await server.close(drainTimeoutMs)
    },
  }
}

/** Longest wait before the consumer loop is started again after it failed. */
const MAX_RESTART_DELAY_MS = 30_000

/**
 * Runs the consumer loop until the ingester stops. A loop that ends with an error (or ends at
 * all while the bus is open) is logged and started again after a backoff: an ingester whose
 * process is alive must never have silently stopped ingesting. Unacked events wait in the stream.
 */
async function superviseIngest(
  deps: IngesterRuntimeDeps,
  options: IngestOptions,
  signal: AbortSignal,
  stats: IngestStats,
): Promise<void> {
  let restartDelayMs = options.retryBackoffMs
  for (;;) {
    try {
      await ingestUsage(deps.bus, deps.clickhouse, options, deps.log, signal, stats)
      // The loop ends on its own only when the bus closed or the ingester stops.
      return
    } catch (error) {
      if (signal.aborted) return
      deps.log.error({ err: error, restartInMs: restartDelayMs }, 'usage ingest loop failed; starting it again')
    }
    await delay(restartDelayMs, undefined, { signal }).catch(() => undefined)
    if (signal.aborted) return
    restartDelayMs = Math.min(restartDelayMs * 2, MAX_RESTART_DELAY_MS)
  }
}
