import { hostname } from 'node:os'
import { z } from 'zod'

/** The only reader of the environment in the gateway. */
export const GatewayConfig = z.object({
  SWITCHYARD_GATEWAY_HOST: z.string().default('0.0.0.0'),
  SWITCHYARD_GATEWAY_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  SWITCHYARD_NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  SWITCHYARD_POD_ID: z.string().min(1).default(hostname()),
  /** `id:base64key[,id:base64key…]`: opens provider credentials in snapshots (shared with the control plane). */
  SWITCHYARD_SECRETS_KEYRING: z.string().min(1).optional(),
  /** Pepper of the keyed API key hashes (shared with the control plane); at least 16 bytes. */
  SWITCHYARD_KEY_PEPPER: z.string().min(16, 'must be at least 16 characters'),
  SWITCHYARD_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
  SWITCHYARD_UPSTREAM_CONNECTIONS: z.coerce.number().int().positive().default(512),
  /** File holding the last good snapshot; the pod starts from it when NATS is down. */
  SWITCHYARD_SNAPSHOT_CACHE: z.string().min(1).optional(),
  /** Where usage events wait while NATS is unreachable; replayed from here, also after a restart. */
  SWITCHYARD_USAGE_SPOOL_DIR: z.string().min(1).default('./.switchyard/usage-spool'),
  /** The spool's cap; events beyond it are dropped, counted and logged. */
  SWITCHYARD_USAGE_SPOOL_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024 * 1024),
  /** How often the pod sends its rate-limit and budget counts to its peers; bounds the overshoot. */
  SWITCHYARD_COUNTER_SYNC_INTERVAL_MS: z.coerce.number().int().positive().default(100),
  /** How often it sends everything it counted, so a pod that starts catches up. */
  SWITCHYARD_COUNTER_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().positive().default(5_000),
  /** The pod's exact cache of whole answers (routes opt in), counted in bytes of their JSON; 0 turns it off. */
  SWITCHYARD_CACHE_MAX_BYTES: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(64 * 1024 * 1024),
  /** The largest answer the cache keeps; default an eighth of SWITCHYARD_CACHE_MAX_BYTES. */
  SWITCHYARD_CACHE_MAX_ENTRY_BYTES: z.coerce.number().int().positive().optional(),
  SWITCHYARD_DRAIN_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  SWITCHYARD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})
export type GatewayConfig = z.infer<typeof GatewayConfig>

export function readGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return GatewayConfig.parse(env)
}
