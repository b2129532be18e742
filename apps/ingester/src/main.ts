import { createNatsBus } from '@switchyard/bus'
import { createLogger, onShutdownSignal } from '@switchyard/http-server'
import { type ClickHouseTarget, openClickHouse } from '@switchyard/usage-store'
import { type IngesterConfig, readIngesterConfig } from './config.ts'
import { startIngester } from './start-ingester.ts'

function clickhouseTarget(config: IngesterConfig): ClickHouseTarget {
  if (config.SWITCHYARD_CLICKHOUSE_PATH !== undefined) {
    return { kind: 'embedded', path: config.SWITCHYARD_CLICKHOUSE_PATH }
  }
  return {
    kind: 'server',
    url: config.SWITCHYARD_CLICKHOUSE_URL ?? '',
    ...(config.SWITCHYARD_CLICKHOUSE_USER === undefined ? {} : { username: config.SWITCHYARD_CLICKHOUSE_USER }),
    ...(config.SWITCHYARD_CLICKHOUSE_PASSWORD === undefined ? {} : { password: config.SWITCHYARD_CLICKHOUSE_PASSWORD }),
  }
}

const config = readIngesterConfig()
const log = createLogger('ingester', config.SWITCHYARD_LOG_LEVEL)
const clickhouse = await openClickHouse(clickhouseTarget(config))
const bus = await createNatsBus({ servers: config.SWITCHYARD_NATS_URL, name: 'ingester', waitForServer: true })
const ingester = await startIngester({
  clickhouse,
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
onShutdownSignal(async () => {
  await ingester.stop(config.SWITCHYARD_DRAIN_TIMEOUT_MS)
  await bus.close()
  await clickhouse.close()
}, log)
