/**
 * The ingester as the bench runs it: what `src/main.ts` does (the same config reader, the NATS
 * bus, chDB through `openClickHouse`, `startIngester` with the real consumer loop), plus a
 * wrapper around the ClickHouse client's `insert` that notes each batch's size and time. On
 * SIGTERM it stops the ingester, counts `usage_events FINAL` on its own chDB handle (chDB locks
 * its directory, so nobody else can read it) and prints one JSON line, `bench ingester result`.
 * With BENCH_INGEST_NO_ASYNC_TRACES=1 its NATS connection skips async stack traces (an
 * experiment: what that one connection option would buy `src/main.ts`).
 */
import { createNatsBus } from '@switchyard/bus'
import { createLogger } from '@switchyard/http-server'
import { type ClickHouseHandle, openClickHouse } from '@switchyard/usage-store'
import { readIngesterConfig } from '../src/config.ts'
import { startIngester } from '../src/start-ingester.ts'

export interface BenchInsert {
  /** Wall-clock ms (performance.timeOrigin-based) when the insert was sent and answered. */
  readonly startMs: number
  readonly endMs: number
  readonly rows: number
}

export interface BenchIngesterResult {
  readonly inserts: readonly BenchInsert[]
  readonly inserted: number
  readonly deadLettered: number
  readonly insertFailures: number
  readonly ackFailures: number
  readonly rawRows: number
  readonly finalEvents: number
  /** A decimal string: a UInt64 sum. */
  readonly finalCostMicroUsd: string
}

const wallMs = () => performance.timeOrigin + performance.now()

function countingInserts(handle: ClickHouseHandle, inserts: BenchInsert[]): ClickHouseHandle {
  const client = new Proxy(handle.client, {
    get(target, property) {
      if (property === 'insert') {
        return async (params: Parameters<ClickHouseHandle['client']['insert']>[0]) => {
          const startMs = wallMs()
          const result = await target.insert(params)
          const rows = Array.isArray(params.values) ? params.values.length : 0
          inserts.push({ startMs, endMs: wallMs(), rows })
          return result
        }
      }
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { ...handle, client, ping: () => handle.ping(), close: () => handle.close() }
}

async function one(clickhouse: ClickHouseHandle, query: string): Promise<Record<string, string>> {
  const result = await clickhouse.client.query({ query, format: 'JSONEachRow' })
  const [row] = await result.json<Record<string, string>>()
  if (!row) throw new Error(`no row from ${query}`)
  return row
}

const config = readIngesterConfig()
const log = createLogger('ingester', config.SWITCHYARD_LOG_LEVEL)
const inserts: BenchInsert[] = []
const chdbPath = config.SWITCHYARD_CLICKHOUSE_PATH
if (chdbPath === undefined)
  throw new Error('the bench runs the ingester on embedded chDB: set SWITCHYARD_CLICKHOUSE_PATH')
const clickhouse = await openClickHouse({ kind: 'embedded', path: chdbPath })
// An experiment, off unless the bench asks: nats.js builds two Error objects (stack traces) per
// request to have async stack traces, and the ingester's every ack is a request (`ackAck`).
const isNoAsyncTraces = process.env.BENCH_INGEST_NO_ASYNC_TRACES === '1'
const bus = await createNatsBus({
  servers: config.SWITCHYARD_NATS_URL,
  name: 'ingester',
  waitForServer: true,
  ...(isNoAsyncTraces ? { connectOptions: { noAsyncTraces: true } } : {}),
})
const ingester = await startIngester({
  clickhouse: countingInserts(clickhouse, inserts),
  bus,
  database: config.SWITCHYARD_CLICKHOUSE_DATABASE,
  log,
  http: { host: config.SWITCHYARD_INGESTER_HOST, port: config.SWITCHYARD_INGESTER_PORT },
  ingest: {
    maxBatch: config.SWITCHYARD_INGEST_MAX_BATCH,
    maxWaitMs: config.SWITCHYARD_INGEST_MAX_WAIT_MS,
    ackWaitMs: config.SWITCHYARD_INGEST_ACK_WAIT_MS,
  },
})

process.once('SIGTERM', async () => {
  await ingester.stop(config.SWITCHYARD_DRAIN_TIMEOUT_MS)
  await bus.close()
  const table = `${config.SWITCHYARD_CLICKHOUSE_DATABASE}.usage_events`
  const raw = await one(clickhouse, `SELECT count() AS rows FROM ${table}`)
  const final = await one(clickhouse, `SELECT count() AS events, sum(cost_micro_usd) AS cost FROM ${table} FINAL`)
  await clickhouse.close()
  const result: BenchIngesterResult = {
    inserts,
    inserted: ingester.stats.inserted,
    deadLettered: ingester.stats.deadLettered,
    insertFailures: ingester.stats.insertFailures,
    ackFailures: ingester.stats.ackFailures,
    rawRows: Number(raw.rows),
    finalEvents: Number(final.events),
    finalCostMicroUsd: final.cost ?? '0',
  }
  process.stdout.write(`${JSON.stringify({ msg: 'bench ingester result', result })}\n`)
  process.exit(0)
})
