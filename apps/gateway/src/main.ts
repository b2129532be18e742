import { createNatsBus } from '@switchyard/bus'
import { createLogger, onShutdownSignal } from '@switchyard/http-server'
import { readGatewayConfig } from './config.ts'
import { startGateway } from './start-gateway.ts'

const config = readGatewayConfig()
const log = createLogger('gateway', config.SWITCHYARD_LOG_LEVEL)
const bus = await createNatsBus({ servers: config.SWITCHYARD_NATS_URL, name: config.SWITCHYARD_POD_ID })
const gateway = await startGateway({
  podId: config.SWITCHYARD_POD_ID,
  bus,
  log,
  http: { host: config.SWITCHYARD_GATEWAY_HOST, port: config.SWITCHYARD_GATEWAY_PORT },
})
onShutdownSignal(async () => {
  await gateway.stop(config.SWITCHYARD_DRAIN_TIMEOUT_MS)
  await bus.close()
}, log)
