import { createServer } from 'node:http'
import { ScenarioRegistry } from '../scenarios/scenario-registry.ts'
import { createSimulatorHandler } from './create-simulator-handler.ts'
import type { SimulatorHandlerOptions } from './simulator-options.ts'

export interface StartSimulatorOptions extends Omit<SimulatorHandlerOptions, 'scenarios'> {
  /** Default 127.0.0.1. */
  readonly host?: string
  /** Default 0: a free port the kernel picks. */
  readonly port?: number
}

export interface RunningSimulator {
  /** `http://host:port`, no trailing slash. */
  readonly url: string
  readonly port: number
  readonly scenarios: ScenarioRegistry
  /** Stops listening and cuts open connections, stalled streams included. */
  close(): Promise<void>
}

export async function startSimulator(options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const scenarios = new ScenarioRegistry()
  const server = createServer({ keepAliveTimeout: 65_000 }, createSimulatorHandler({ ...options, scenarios }))
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the simulator is not listening on a TCP port')
  const { port } = address
  const urlHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${urlHost}:${port}`,
    port,
    scenarios,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
