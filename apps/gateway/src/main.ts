import { type Bus, createNatsBus } from '@switchyard/bus'
import { createLogger, onShutdownSignal } from '@switchyard/http-server'
import { providerAdapters } from '@switchyard/providers'
import { parseKeyring } from '@switchyard/secrets'
import { readGatewayConfig } from './config.ts'
import { startGateway } from './start-gateway.ts'

const config = readGatewayConfig()
const log = createLogger('gateway', config.SWITCHYARD_LOG_LEVEL)
// NATS may be down at start: the pod then serves from its cached snapshot and keeps trying.
const connecting: Promise<Bus> = createNatsBus({
  servers: config.SWITCHYARD_NATS_URL,
  name: config.SWITCHYARD_POD_ID,
  waitForServer: true,
})
const gateway = await startGateway({
  podId: config.SWITCHYARD_POD_ID,
  bus: {
    async *watchSnapshots() {
      yield* (await connecting).watchSnapshots()
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
})
onShutdownSignal(async () => {
  await gateway.stop(config.SWITCHYARD_DRAIN_TIMEOUT_MS)
  await (await connecting).close()
}, log)
