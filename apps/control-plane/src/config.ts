import { z } from 'zod'

/** The only reader of the environment in the control plane. */
export const ControlPlaneConfig = z.object({
  SWITCHYARD_CONTROL_PLANE_HOST: z.string().default('0.0.0.0'),
  SWITCHYARD_CONTROL_PLANE_PORT: z.coerce.number().int().min(0).max(65_535).default(8081),
  SWITCHYARD_DATABASE_URL: z.string().startsWith('postgres', 'must be a postgres:// URL'),
  SWITCHYARD_NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  SWITCHYARD_DRAIN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  SWITCHYARD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})
export type ControlPlaneConfig = z.infer<typeof ControlPlaneConfig>

export function readControlPlaneConfig(env: NodeJS.ProcessEnv = process.env): ControlPlaneConfig {
  return ControlPlaneConfig.parse(env)
}
