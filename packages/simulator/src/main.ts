import { readSimulatorConfig } from './config.ts'
import { startSimulator } from './server/start-simulator.ts'

const config = readSimulatorConfig()
const simulator = await startSimulator(config)
console.log(`Switchyard provider simulator listening on ${simulator.url}`)

let isClosing = false
async function shutdown(signal: string): Promise<void> {
  if (isClosing) return
  isClosing = true
  console.log(`${signal}: closing the simulator`)
  await simulator.close()
  process.exit(0)
}
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
