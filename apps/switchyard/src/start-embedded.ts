import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { createInProcessBus } from '@switchyard/bus'
import { type EnvRefUse, listEnvRefs } from '@switchyard/config'
import type { ConfigFile } from '@switchyard/contracts'
import { startControlPlane } from '@switchyard/control-plane'
import { openPglite } from '@switchyard/db'
import { startGateway } from '@switchyard/gateway'
import type { Logger } from '@switchyard/http-server'
import { startIngester } from '@switchyard/ingester'
import { providerAdapters } from '@switchyard/providers'
import { parseKeyring } from '@switchyard/secrets'
import { startSimulator } from '@switchyard/simulator'
import { openClickHouse } from '@switchyard/usage-store'
import type { EmbeddedConfig } from './config.ts'
import { lockDataDir } from './data-dir-lock.ts'
import { demoEnv } from './demo-env.ts'
import { loadOrCreateLocalSecrets, storeGeneratedKeys } from './local-secrets.ts'

export interface RunningEmbedded {
  readonly urls: {
    readonly gateway: string
    readonly controlPlane: string
    readonly ingester: string
    readonly simulator: string | undefined
  }
  /** The admin API's bootstrap token when it was generated on this start (shown once). */
  readonly newAdminToken: string | undefined
  /** Keys generated for unset key variables on this start, by variable name (shown once). */
  readonly newKeys: Readonly<Record<string, string>>
  /** Variables of keys generated on an earlier start; their values are in the data directory. */
  readonly storedKeyNames: readonly string[]
  /** Env references still unset after the demo defaults. */
  readonly missingEnv: readonly EnvRefUse[]
  readonly snapshotRevision: number
  /** Drains the HTTP servers, closes the bus, then closes PGlite and chDB cleanly. */
  stop(): Promise<void>
}

const USAGE_DATABASE = 'switchyard'

/**
 * Runs control plane, gateway and ingester in one process: the same runtimes as distributed
 * mode, wired to PGlite, the in-process bus and the embedded ClickHouse engine on local disk.
 */
export async function startEmbedded(
  settings: EmbeddedConfig,
  config: ConfigFile,
  log: Logger,
): Promise<RunningEmbedded> {
  const lock = lockDataDir(settings.SWITCHYARD_DATA_DIR)
  const closers: Array<() => Promise<void>> = [async () => lock.release()]
  const stop = async () => {
    for (const close of closers.reverse()) await close()
  }
  try {
    const database = await openPglite(join(settings.SWITCHYARD_DATA_DIR, 'postgres'))
    closers.push(() => database.close())
    const clickhouse = await openClickHouse({
      kind: 'embedded',
      path: join(settings.SWITCHYARD_DATA_DIR, 'clickhouse'),
    })
    closers.push(() => clickhouse.close())
    const bus = createInProcessBus({ name: 'embedded' })
    closers.push(() => bus.close())

    const drainMs = settings.SWITCHYARD_DRAIN_TIMEOUT_MS
    const host = settings.SWITCHYARD_HOST
    const ingester = await startIngester({
      clickhouse,
      bus,
      database: USAGE_DATABASE,
      log: log.child({ component: 'ingester' }),
      http: { host, port: settings.SWITCHYARD_INGESTER_PORT },
    })
    closers.push(() => ingester.stop(drainMs))
    // Runs after the gateway flushed its usage into the bus and before the ingester stops: the
    // in-process bus lives in memory, so what the ingester has not stored by then would be lost.
    closers.push(() =>
      waitFor(() => bus.stats().usageQueueDepth === 0, drainMs, 'the ingester to store the last usage events').catch(
        (error: unknown) => log.error({ err: error }, 'usage events not yet in ClickHouse are lost'),
      ),
    )
    const secrets = loadOrCreateLocalSecrets(settings.SWITCHYARD_DATA_DIR, {
      keyPepper: settings.SWITCHYARD_KEY_PEPPER,
      keyring: settings.SWITCHYARD_SECRETS_KEYRING,
      adminToken: settings.SWITCHYARD_ADMIN_TOKEN,
    })
    const simulator =
      settings.SWITCHYARD_SIMULATOR_PORT === -1
        ? undefined
        : await startSimulator({ host: '127.0.0.1', port: settings.SWITCHYARD_SIMULATOR_PORT })
    if (simulator) closers.push(() => simulator.close())
    const demo = demoEnv(
      config,
      listEnvRefs(config),
      process.env,
      simulator ? new URL(simulator.url).origin : undefined,
      secrets.generatedKeys,
    )
    storeGeneratedKeys(settings.SWITCHYARD_DATA_DIR, demo.newKeys)
    const gateway = await startGateway({
      podId: 'embedded',
      bus,
      log: log.child({ component: 'gateway' }),
      http: { host, port: settings.SWITCHYARD_GATEWAY_PORT },
      adapters: providerAdapters,
      keyring: parseKeyring(secrets.keyring),
      keyPepper: Buffer.from(secrets.keyPepper, 'utf8'),
      maxBodyBytes: 20 * 1024 * 1024,
      upstreamConnectionsPerOrigin: 256,
      snapshotCachePath: join(settings.SWITCHYARD_DATA_DIR, 'snapshot.json'),
      // The in-process bus only refuses usage when its queue is full or it is closing.
      usageSpoolDir: join(settings.SWITCHYARD_DATA_DIR, 'usage-spool'),
    })
    closers.push(() => gateway.stop(drainMs))
    const controlPlane = await startControlPlane({
      database,
      bus,
      config,
      log: log.child({ component: 'control-plane' }),
      http: { host, port: settings.SWITCHYARD_CONTROL_PLANE_PORT },
      secrets: {
        keyring: parseKeyring(secrets.keyring),
        keyPepper: Buffer.from(secrets.keyPepper, 'utf8'),
        env: { ...process.env, ...demo.overlay },
      },
      configSourceName: settings.SWITCHYARD_CONFIG,
      // The demo runs before any provider key is set: such providers answer 502 until one is.
      missingProviderSecrets: 'apply-without',
      bootstrapToken: secrets.adminToken,
      // The same chDB handle as the ingester's: chDB allows one opener of its directory.
      usageStore: { clickhouse, database: USAGE_DATABASE },
    })
    closers.push(() => controlPlane.stop(drainMs))

    const revision = controlPlane.lastPublished.revision
    await waitFor(
      () => gateway.snapshots.current?.snapshot.revision === revision,
      10_000,
      'the gateway to load the snapshot',
    )
    return {
      urls: { gateway: gateway.url, controlPlane: controlPlane.url, ingester: ingester.url, simulator: simulator?.url },
      newKeys: demo.newKeys,
      newAdminToken: secrets.isAdminTokenNew ? secrets.adminToken : undefined,
      storedKeyNames: Object.keys(demo.overlay).filter((name) => name in secrets.generatedKeys),
      missingEnv: listEnvRefs(config).filter((ref) => !process.env[ref.env] && !demo.overlay[ref.env]),
      snapshotRevision: revision,
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await delay(10)
  }
}
