import { createNatsBus } from '@switchyard/bus'
import { loadConfigFile } from '@switchyard/config'
import { openPostgres } from '@switchyard/db'
import { createLogger, onShutdownSignal } from '@switchyard/http-server'
import { parseKeyring } from '@switchyard/secrets'
import { openClickHouse } from '@switchyard/usage-store'
import { adminOidcVerifier } from './auth/admin-oidc.ts'
import { adminOidcOf, readControlPlaneConfig, readSecretsEnvironment } from './config.ts'
import { startControlPlane } from './start-control-plane.ts'

const config = readControlPlaneConfig()
const log = createLogger('control-plane', config.SWITCHYARD_LOG_LEVEL)
const adminOidc = adminOidcOf(config)
if (config.SWITCHYARD_ADMIN_TOKEN === undefined && adminOidc === undefined) {
  log.warn('neither SWITCHYARD_ADMIN_TOKEN nor SWITCHYARD_ADMIN_OIDC_* is set: nobody can sign in to the admin API')
}
// Read before connecting anything, so a bad file stops the start with its problems listed.
const configToApply =
  config.SWITCHYARD_CONFIG === undefined
    ? {}
    : { config: await loadConfigFile(config.SWITCHYARD_CONFIG), configSourceName: config.SWITCHYARD_CONFIG }
const database = openPostgres({
  url: config.SWITCHYARD_DATABASE_URL,
  onIdleConnectionError: (error) =>
    log.warn({ err: error }, 'an idle PostgreSQL connection failed; the next query reconnects'),
})
const clickhouse =
  config.SWITCHYARD_CLICKHOUSE_URL === undefined
    ? undefined
    : await openClickHouse({
        kind: 'server',
        url: config.SWITCHYARD_CLICKHOUSE_URL,
        ...(config.SWITCHYARD_CLICKHOUSE_USER === undefined ? {} : { username: config.SWITCHYARD_CLICKHOUSE_USER }),
        ...(config.SWITCHYARD_CLICKHOUSE_PASSWORD === undefined
          ? {}
          : { password: config.SWITCHYARD_CLICKHOUSE_PASSWORD }),
      })
if (clickhouse === undefined) log.warn('SWITCHYARD_CLICKHOUSE_URL is not set: the reports API answers 503')
const bus = await createNatsBus({ servers: config.SWITCHYARD_NATS_URL, name: 'control-plane' })
const controlPlane = await startControlPlane({
  database,
  bus,
  log,
  http: { host: config.SWITCHYARD_CONTROL_PLANE_HOST, port: config.SWITCHYARD_CONTROL_PLANE_PORT },
  secrets: {
    keyring: parseKeyring(config.SWITCHYARD_SECRETS_KEYRING),
    keyPepper: Buffer.from(config.SWITCHYARD_KEY_PEPPER, 'utf8'),
    env: readSecretsEnvironment(),
  },
  ...configToApply,
  bootstrapToken: config.SWITCHYARD_ADMIN_TOKEN,
  verifyAdminToken: adminOidc === undefined ? undefined : adminOidcVerifier(adminOidc),
  publishDebounceMs: config.SWITCHYARD_PUBLISH_DEBOUNCE_MS,
  publishMaxDelayMs: config.SWITCHYARD_PUBLISH_MAX_DELAY_MS,
  usageStore:
    clickhouse === undefined
      ? undefined
      : {
          clickhouse,
          database: config.SWITCHYARD_CLICKHOUSE_DATABASE,
          rawRetentionDays: config.SWITCHYARD_USAGE_RAW_RETENTION_DAYS,
          rollupRetentionDays: config.SWITCHYARD_USAGE_ROLLUP_RETENTION_DAYS,
          budgetRefreshMs: config.SWITCHYARD_BUDGET_REFRESH_MS,
          alertWebhook:
            config.SWITCHYARD_ALERT_WEBHOOK_URL === undefined
              ? undefined
              : { url: config.SWITCHYARD_ALERT_WEBHOOK_URL, secret: config.SWITCHYARD_ALERT_WEBHOOK_SECRET },
        },
})
onShutdownSignal(async () => {
  await controlPlane.stop(config.SWITCHYARD_DRAIN_TIMEOUT_MS)
  await bus.close()
  await clickhouse?.close()
  await database.close()
}, log)
