import { z } from 'zod'

/** The only reader of the environment in the control plane. */
export const ControlPlaneConfig = z.object({
  SWITCHYARD_CONTROL_PLANE_HOST: z.string().default('0.0.0.0'),
  SWITCHYARD_CONTROL_PLANE_PORT: z.coerce.number().int().min(0).max(65_535).default(8081),
  SWITCHYARD_DATABASE_URL: z.string().startsWith('postgres', 'must be a postgres:// URL'),
  SWITCHYARD_NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  /** `id:base64key[,id:base64key…]`: encrypts provider credentials (shared with the gateways); the first key encrypts. */
  SWITCHYARD_SECRETS_KEYRING: z.string().min(1, 'required: the keyring provider credentials are encrypted with'),
  /** Pepper of the keyed API key hashes (shared with the gateways); at least 16 bytes. */
  SWITCHYARD_KEY_PEPPER: z.string().min(16, 'must be at least 16 characters'),
  /** A config file to apply at start; its `{ env: NAME }` secrets are read from this environment. */
  SWITCHYARD_CONFIG: z.string().min(1).optional(),
  SWITCHYARD_DRAIN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  SWITCHYARD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})
export type ControlPlaneConfig = z.infer<typeof ControlPlaneConfig>

export function readControlPlaneConfig(env: NodeJS.ProcessEnv = process.env): ControlPlaneConfig {
  return ControlPlaneConfig.parse(env)
}

/** The environment a config file's `{ env: NAME }` secrets are read from. */
export function readSecretsEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): Readonly<Record<string, string | undefined>> {
  return env
}
