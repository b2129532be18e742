import { type Bus, createNatsBus, UsagePublishError } from '@switchyard/bus'
import { createLogger, onShutdownSignal } from '@switchyard/http-server'
import { providerAdapters } from '@switchyard/providers'
import { parseKeyring } from '@switchyard/secrets'
import { readGatewayConfig } from './config.ts'
import { startGateway } from './start-gateway.ts'

const config = readGatewayConfig()
const log = createLogger('gateway', config.SWITCHYARD_LOG_LEVEL)
// NATS may be down at start: the pod then serves from its cached snapshot and keeps trying.
let connected: Bus | undefined
const connecting: Promise<Bus> = createNatsBus({
  servers: config.SWITCHYARD_NATS_URL,
  name: config.SWITCHYARD_POD_ID,
  waitForServer: true,
}).then((bus) => {
  connected = bus
  return bus
})
const gateway = await startGateway({
  podId: config.SWITCHYARD_POD_ID,
  bus: {
    async *watchSnapshots(channel) {
      yield* (await connecting).watchSnapshots(channel)
    },
    publishCounters(delta) {
      // Until NATS first connects, counts stay in the book and go out with the next checkpoint.
      if (!connected) throw new Error('NATS is not connected yet')
      connected.publishCounters(delta)
    },
    async *subscribeCounters() {
      yield* (await connecting).subscribeCounters()
    },
    publishUsage(event) {
      // Before the first connection usage goes to the spool rather than waiting for NATS.
      if (!connected) return Promise.reject(new UsagePublishError('NATS is not connected yet'))
      return connected.publishUsage(event)
    },
  },
  log,
  http: { host: config.SWITCHYARD_GATEWAY_HOST, port: config.SWITCHYARD_GATEWAY_PORT },
  adapters: providerAdapters,
  keyring:
    config.SWITCHYARD_SECRETS_KEYRING === undefined ? undefined : parseKeyring(config.SWITCHYARD_SECRETS_KEYRING),
  keyPepper: Buffer.from(config.SWITCHYARD_KEY_PEPPER, 'utf8'),
  maxBodyBytes: config.SWITCHYARD_MAX_BODY_BYTES,
  upstreamConnectionsPerOrigin: config.SWITCHYARD_UPSTREAM_CONNECTIONS,
  snapshotCachePath: config.SWITCHYARD_SNAPSHOT_CACHE,
  counterExchange: {
    syncIntervalMs: config.SWITCHYARD_COUNTER_SYNC_INTERVAL_MS,
    checkpointIntervalMs: config.SWITCHYARD_COUNTER_CHECKPOINT_INTERVAL_MS,
  },
  usageSpoolDir: config.SWITCHYARD_USAGE_SPOOL_DIR,
  usageSpool: { maxBytes: config.SWITCHYARD_USAGE_SPOOL_MAX_BYTES },
  cache: {
    maxBytes: config.SWITCHYARD_CACHE_MAX_BYTES,
    ...(config.SWITCHYARD_CACHE_MAX_ENTRY_BYTES ? { maxEntryBytes: config.SWITCHYARD_CACHE_MAX_ENTRY_BYTES } : {}),
  },
})
onShutdownSignal(async () => {
  await gateway.stop(config.SWITCHYARD_DRAIN_TIMEOUT_MS)
  // A connection still being attempted is abandoned (the process exits); an open one drains.
  await connected?.close()
}, log)
