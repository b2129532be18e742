import { JwtAlgorithm } from '@switchyard/contracts'
import { z } from 'zod'
import type { AdminOidcSettings } from './auth/admin-oidc.ts'

/** The only reader of the environment in the control plane. */
export const ControlPlaneConfig = z
  .object({
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
    /** Bootstrap admin token for first run (and break-glass); at least 32 characters. Unset: none is accepted. */
    SWITCHYARD_ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
    /** The IdP whose tokens admins sign in with: its `iss`, the audience tokens must carry, its JWKS URL. */
    SWITCHYARD_ADMIN_OIDC_ISSUER: z.string().min(1).optional(),
    SWITCHYARD_ADMIN_OIDC_AUDIENCE: z.string().min(1).optional(),
    SWITCHYARD_ADMIN_OIDC_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Comma-separated asymmetric algorithms the IdP signs with. */
    SWITCHYARD_ADMIN_OIDC_ALGORITHMS: z
      .string()
      .default('RS256,ES256')
      .transform((value) => value.split(',').map((alg) => alg.trim()))
      .pipe(z.array(JwtAlgorithm).min(1)),
    /** Quiet time after a change before the snapshot is published, and the longest a change waits. */
    SWITCHYARD_PUBLISH_DEBOUNCE_MS: z.coerce.number().int().nonnegative().default(25),
    SWITCHYARD_PUBLISH_MAX_DELAY_MS: z.coerce.number().int().positive().default(250),
    SWITCHYARD_DRAIN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    /** The ClickHouse server the ingester writes usage to; unset: the reports API answers 503. */
    SWITCHYARD_CLICKHOUSE_URL: z.url().optional(),
    SWITCHYARD_CLICKHOUSE_USER: z.string().optional(),
    SWITCHYARD_CLICKHOUSE_PASSWORD: z.string().optional(),
    SWITCHYARD_CLICKHOUSE_DATABASE: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .default('switchyard'),
    /** Days raw usage events are kept in ClickHouse (a TTL); unset: for ever. The hourly rollup outlives them. */
    SWITCHYARD_USAGE_RAW_RETENTION_DAYS: z.coerce.number().int().positive().optional(),
    /** Days the hourly rollup is kept; unset: for ever. */
    SWITCHYARD_USAGE_ROLLUP_RETENTION_DAYS: z.coerce.number().int().positive().optional(),
    /** How often budgets' starting spend is re-read from ClickHouse and republished to the pods. */
    SWITCHYARD_BUDGET_REFRESH_MS: z.coerce.number().int().positive().default(600_000),
    /** Where budget alerts (threshold crossed) are posted as JSON; unset: recorded and logged only. */
    SWITCHYARD_ALERT_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Signs the alert webhook's deliveries (HMAC-SHA256 in x-switchyard-signature). */
    SWITCHYARD_ALERT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    SWITCHYARD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((config, ctx) => {
    const oidc = [
      config.SWITCHYARD_ADMIN_OIDC_ISSUER,
      config.SWITCHYARD_ADMIN_OIDC_AUDIENCE,
      config.SWITCHYARD_ADMIN_OIDC_JWKS_URL,
    ]
    if (oidc.some((value) => value !== undefined) && oidc.some((value) => value === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['SWITCHYARD_ADMIN_OIDC_ISSUER'],
        message: 'set SWITCHYARD_ADMIN_OIDC_ISSUER, _AUDIENCE and _JWKS_URL together',
      })
    }
  })
export type ControlPlaneConfig = z.infer<typeof ControlPlaneConfig>

/** The admin IdP, when all three of its settings are given. */
export function adminOidcOf(config: ControlPlaneConfig): AdminOidcSettings | undefined {
  const { SWITCHYARD_ADMIN_OIDC_ISSUER: issuer, SWITCHYARD_ADMIN_OIDC_AUDIENCE: audience } = config
  const jwksUrl = config.SWITCHYARD_ADMIN_OIDC_JWKS_URL
  if (issuer === undefined || audience === undefined || jwksUrl === undefined) return undefined
  return { issuer, audience, jwksUrl, algorithms: config.SWITCHYARD_ADMIN_OIDC_ALGORITHMS }
}

export function readControlPlaneConfig(env: NodeJS.ProcessEnv = process.env): ControlPlaneConfig {
  return ControlPlaneConfig.parse(env)
}

/** The environment a config file's `{ env: NAME }` secrets are read from. */
export function readSecretsEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): Readonly<Record<string, string | undefined>> {
  return env
}
