import { z } from 'zod'

const SimulatorEnv = z.object({
  SIMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  SIMULATOR_PORT: z.coerce.number().int().min(0).max(65_535).default(4010),
})

export interface SimulatorConfig {
  readonly host: string
  readonly port: number
}

/** The only reader of the environment. */
export function readSimulatorConfig(env: NodeJS.ProcessEnv = process.env): SimulatorConfig {
  const parsed = SimulatorEnv.parse(env)
  return { host: parsed.SIMULATOR_HOST, port: parsed.SIMULATOR_PORT }
}
