import { hostname } from 'node:os'
import { z } from 'zod'

/** The only reader of the environment in the gateway. */
export const GatewayConfig = z.object({
  SWITCHYARD_GATEWAY_HOST: z.string().default('0.0.0.0'),
  SWITCHYARD_GATEWAY_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  SWITCHYARD_NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  SWITCHYARD_POD_ID: z.string().min(1).default(hostname()),
  SWITCHYARD_DRAIN_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  SWITCHYARD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})
export type GatewayConfig = z.infer<typeof GatewayConfig>

export function readGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return GatewayConfig.parse(env)
}
