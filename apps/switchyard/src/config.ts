import { fileURLToPath } from 'node:url'
import { z } from 'zod'

const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback)

/** The only reader of the environment in the one-process runner and CLI. */
export const EmbeddedConfig = z.object({
  SWITCHYARD_DATA_DIR: z.string().min(1).default('.switchyard/data'),
  SWITCHYARD_CONFIG: z
    .string()
    .min(1)
    .default(fileURLToPath(new URL('../config/demo.yaml', import.meta.url))),
  SWITCHYARD_HOST: z.string().default('127.0.0.1'),
  SWITCHYARD_GATEWAY_PORT: port(8080),
  SWITCHYARD_CONTROL_PLANE_PORT: port(8081),
  SWITCHYARD_INGESTER_PORT: port(8082),
  /** Port of the built-in provider simulator the demo config points at; -1 turns it off. */
  SWITCHYARD_SIMULATOR_PORT: z.coerce.number().int().min(-1).max(65_535).default(4010),
  SWITCHYARD_KEY_PEPPER: z.string().min(16).optional(),
  SWITCHYARD_SECRETS_KEYRING: z.string().min(1).optional(),
  /** Bootstrap token of the admin API; generated once into the data directory when unset. */
  SWITCHYARD_ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  SWITCHYARD_DRAIN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  SWITCHYARD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
})
export type EmbeddedConfig = z.infer<typeof EmbeddedConfig>

export function readEmbeddedConfig(env: NodeJS.ProcessEnv = process.env): EmbeddedConfig {
  return EmbeddedConfig.parse(env)
}

/** Where the `apply` and `export` commands reach the control plane's admin API, and with what token. */
export const AdminClientConfig = z.object({
  SWITCHYARD_CONTROL_PLANE_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8081'),
  SWITCHYARD_ADMIN_TOKEN: z.string().min(1).optional(),
})
export type AdminClientConfig = z.infer<typeof AdminClientConfig>

export function readAdminClientConfig(env: NodeJS.ProcessEnv = process.env): AdminClientConfig {
  return AdminClientConfig.parse(env)
}
