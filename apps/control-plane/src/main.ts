import { createNatsBus } from '@switchyard/bus'
import { openPostgres } from '@switchyard/db'
import { createLogger, onShutdownSignal } from '@switchyard/http-server'
import { readControlPlaneConfig } from './config.ts'
import { startControlPlane } from './start-control-plane.ts'

const config = readControlPlaneConfig()
const log = createLogger('control-plane', config.SWITCHYARD_LOG_LEVEL)
const database = openPostgres({ url: config.SWITCHYARD_DATABASE_URL })
const bus = await createNatsBus({ servers: config.SWITCHYARD_NATS_URL, name: 'control-plane' })
const controlPlane = await startControlPlane({
  database,
  bus,
  log,
  http: { host: config.SWITCHYARD_CONTROL_PLANE_HOST, port: config.SWITCHYARD_CONTROL_PLANE_PORT },
})
onShutdownSignal(async () => {
  await controlPlane.stop(config.SWITCHYARD_DRAIN_TIMEOUT_MS)
  await bus.close()
  await database.close()
}, log)
