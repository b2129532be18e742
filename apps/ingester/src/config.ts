import { z } from 'zod'

/** The only reader of the environment in the ingester. */
export const IngesterConfig = z.object({
  SWITCHYARD_INGESTER_HOST: z.string().default('0.0.0.0'),
  SWITCHYARD_INGESTER_PORT: z.coerce.number().int().min(0).max(65_535).default(8082),
  SWITCHYARD_NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  SWITCHYARD_CLICKHOUSE_URL: z.url(),
  SWITCHYARD_CLICKHOUSE_USER: z.string().optional(),
  SWITCHYARD_CLICKHOUSE_PASSWORD: z.string().optional(),
  SWITCHYARD_CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('switchyard'),
  SWITCHYARD_DRAIN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  SWITCHYARD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})
export type IngesterConfig = z.infer<typeof IngesterConfig>

export function readIngesterConfig(env: NodeJS.ProcessEnv = process.env): IngesterConfig {
  return IngesterConfig.parse(env)
}
