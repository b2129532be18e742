import { z } from 'zod'

/** The only reader of the environment in the ingester. */
export const IngesterConfig = z
  .object({
    SWITCHYARD_INGESTER_HOST: z.string().default('0.0.0.0'),
    SWITCHYARD_INGESTER_PORT: z.coerce.number().int().min(0).max(65_535).default(8082),
    SWITCHYARD_NATS_URL: z.string().default('nats://127.0.0.1:4222'),
    /** A ClickHouse server over HTTP(S). Exactly one of this and `SWITCHYARD_CLICKHOUSE_PATH`. */
    SWITCHYARD_CLICKHOUSE_URL: z.url().optional(),
    /**
     * The embedded chDB engine's data directory, for a one-machine install and for tests that
     * run the ingester as its own process. chDB locks the directory: only one process may open
     * it at a time, so nothing else may read it while this ingester runs.
     */
    SWITCHYARD_CLICKHOUSE_PATH: z.string().min(1).optional(),
    SWITCHYARD_CLICKHOUSE_USER: z.string().optional(),
    SWITCHYARD_CLICKHOUSE_PASSWORD: z.string().optional(),
    SWITCHYARD_CLICKHOUSE_DATABASE: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .default('switchyard'),
    /** Most events per ClickHouse insert. */
    SWITCHYARD_INGEST_MAX_BATCH: z.coerce.number().int().positive().default(1_000),
    /** Longest an event waits for its batch to fill. */
    SWITCHYARD_INGEST_MAX_WAIT_MS: z.coerce.number().int().positive().default(250),
    /**
     * A delivered event not acked within this time goes to another ingester (or this one after a
     * restart): the time a crashed ingester's batch waits before it is ingested again.
     */
    SWITCHYARD_INGEST_ACK_WAIT_MS: z.coerce.number().int().positive().default(30_000),
    SWITCHYARD_DRAIN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    SWITCHYARD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine(
    (config) => (config.SWITCHYARD_CLICKHOUSE_URL === undefined) !== (config.SWITCHYARD_CLICKHOUSE_PATH === undefined),
    {
      message: 'set exactly one of SWITCHYARD_CLICKHOUSE_URL (a server) and SWITCHYARD_CLICKHOUSE_PATH (embedded chDB)',
      path: ['SWITCHYARD_CLICKHOUSE_URL'],
    },
  )
export type IngesterConfig = z.infer<typeof IngesterConfig>

export function readIngesterConfig(env: NodeJS.ProcessEnv = process.env): IngesterConfig {
  return IngesterConfig.parse(env)
}
