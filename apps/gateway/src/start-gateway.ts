import { randomUUID } from 'node:crypto'
import { type HttpServerOptions, type Logger, type RunningHttpServer, startHttpServer } from '@switchyard/http-server'
import { ALONE, CounterBook } from '@switchyard/policy'
import type { ProviderAdapterRegistry } from '@switchyard/providers'
import type { Keyring } from '@switchyard/secrets'
import { createGatewayApp } from './app.ts'
import { DEFAULT_CACHE_MAX_BYTES, ExactCache, type ExactCacheSettings } from './cache/exact-cache.ts'
import { CounterExchange, type CounterExchangeSettings, type CounterTransport } from './limits/counter-exchange.ts'
import { Limiter } from './limits/limiter.ts'
import {
  UsageEmitter,
  type UsageEmitterSettings,
  type UsageEmitterStats,
  type UsagePublisher,
} from './metering/usage-emitter.ts'
import { UsageSpool, type UsageSpoolSettings } from './metering/usage-spool.ts'
import { GatewayMetrics } from './metrics/gateway-metrics.ts'
import { compileRuntimePolicy } from './policy/runtime-policy.ts'
import type { BreakerSettings } from './routing/circuit-breaker.ts'
import { DeploymentHealthRegistry } from './routing/deployment-health.ts'
import { RetryBudget, type RetryBudgetSettings } from './routing/retry-budget.ts'
import { followSnapshots, type SnapshotSource } from './snapshot/follow-snapshots.ts'
import { readSnapshotCache, writeSnapshotCache } from './snapshot/snapshot-cache.ts'
import { SnapshotState } from './snapshot/snapshot-state.ts'
import { UpstreamClient } from './upstream/upstream-client.ts'

export interface GatewayRuntimeDeps {
  readonly podId: string
  /** NATS in distributed mode, the in-process bus in embedded mode: snapshots in, usage out. */
  readonly bus: SnapshotSource & UsagePublisher & Partial<CounterTransport>
  readonly log: Logger
  readonly http: HttpServerOptions
  readonly adapters: ProviderAdapterRegistry
  /** Opens provider credentials in snapshots; absent when no provider has any. */
  readonly keyring: Keyring | undefined
  readonly keyPepper: Buffer
  readonly maxBodyBytes: number
  readonly upstreamConnectionsPerOrigin: number
  /** Where the last good snapshot is kept on disk; the pod starts from it if the bus is slow or down. */
  readonly snapshotCachePath?: string | undefined
  /** Directory of the usage spool: events the bus could not take wait there, and survive a restart. */
  readonly usageSpoolDir: string
  readonly usageSpool?: Partial<UsageSpoolSettings>
  readonly usageEmitter?: Partial<UsageEmitterSettings>
  /** Circuit-breaker settings of this pod; the defaults (docs/design/routing.md) when absent. */
  readonly breaker?: Partial<BreakerSettings>
  /** Retry budget of this pod; 20 % of requests in flight, at least 3 retries, when absent. */
  readonly retryBudget?: Partial<RetryBudgetSettings>
  /** The pod's exact cache; 64 MiB when absent, none at `maxBytes: 0`. */
  readonly cache?: ExactCacheSettings
  /** How often the pod exchanges rate-limit and budget counters with its peers. */
  readonly counterExchange?: Partial<CounterExchangeSettings>
  readonly now?: () => number
  readonly random?: () => number
}

export interface RunningGateway {
  readonly url: string
  readonly snapshots: SnapshotState
  readonly usage: { stats(): UsageEmitterStats }
  /**
   * Stops taking requests and drains in-flight ones, then publishes (or spools) the usage
   * events still in memory. The bus is the caller's to close, after this.
   */
  stop(drainTimeoutMs: number): Promise<void>
}

/** Wires a gateway pod: follows snapshots from the bus and serves the data-plane API. */
export async function startGateway(deps: GatewayRuntimeDeps): Promise<RunningGateway> {
  // First, so that a spool directory another process holds stops the start before anything runs.
  const spool = await UsageSpool.open(deps.usageSpoolDir, deps.usageSpool)
  const usage = new UsageEmitter({
    bus: deps.bus,
    spool,
    log: deps.log.child({ component: 'usage-emitter' }),
    ...(deps.usageEmitter ? { settings: deps.usageEmitter } : {}),
  })
  // Replays at once what an earlier run of this pod spooled, then every interval.
  usage.start()
  const metrics = new GatewayMetrics()
  metrics.trackUsageEmitter(() => usage.stats())
  const health = new DeploymentHealthRegistry(deps.breaker)
  const snapshots = new SnapshotState((snapshot) => {
    const policy = compileRuntimePolicy(snapshot, deps.keyring)
    // Compiling is the last step of applying: health of deployments the new snapshot dropped goes.
    health.retain(new Set(snapshot.models.flatMap((model) => model.deployments.map((deployment) => deployment.id))))
    return policy
  }, deps.now)
  const cachePath = deps.snapshotCachePath
  const overlayCachePath = cachePath && `${cachePath}.keys`
  if (cachePath && overlayCachePath) {
    const cached = await readSnapshotCache(cachePath)
    if (cached) deps.log.info({ outcome: snapshots.apply(cached) }, 'started from the cached snapshot')
    const overlay = await readSnapshotCache(overlayCachePath)
    if (overlay) deps.log.info({ outcome: snapshots.applyOverlay(overlay) }, 'laid the cached key overlay on it')
  }
  // The watch runs for the pod's life and ends when the bus closes.
  followSnapshots(deps.bus, snapshots, deps.log, (channel, message) => {
    const path = channel === 'policy' ? cachePath : overlayCachePath
    return path ? writeSnapshotCache(path, message) : Promise.resolve()
  }).catch((error: unknown) => {
    deps.log.error({ err: error }, 'snapshot watch ended with an error')
  })
  const now = deps.now ?? Date.now
  // One origin per run of the pod: a restarted pod counts afresh and relearns its earlier run's
  // counts from its peers' checkpoints.
  const book = new CounterBook(`${deps.podId}#${randomUUID().slice(0, 8)}`)
  let exchange: CounterExchange | undefined
  const limiter = new Limiter({
    book,
    sharing: () => exchange?.sharing() ?? ALONE,
    onReject: (rejection) => metrics.recordLimitRejection(rejection),
    onAlert: (alert) => {
      metrics.recordBudgetAlert(alert.budget.name, alert.thresholdPct)
      deps.log.warn(
        { budget: alert.budget.name, thresholdPct: alert.thresholdPct, spentMicroUsd: alert.spentMicroUsd },
        'budget alert threshold crossed',
      )
    },
  })
  const { publishCounters, subscribeCounters } = deps.bus
  exchange =
    publishCounters && subscribeCounters
      ? new CounterExchange({
          book,
          transport: {
            publishCounters: publishCounters.bind(deps.bus),
            subscribeCounters: subscribeCounters.bind(deps.bus),
          },
          log: deps.log.child({ component: 'counter-exchange' }),
          now,
          ...(deps.counterExchange ? { settings: deps.counterExchange } : {}),
        })
      : undefined
  exchange?.start()
  const upstream = new UpstreamClient({
    connectionsPerOrigin: deps.upstreamConnectionsPerOrigin,
    keepAliveTimeoutMs: 30_000,
  })
  const app = createGatewayApp({
    podId: deps.podId,
    snapshots,
    log: deps.log,
    adapters: deps.adapters,
    upstream,
    metrics,
    usage,
    keyPepper: deps.keyPepper,
    maxBodyBytes: deps.maxBodyBytes,
    health,
    limiter,
    retryBudget: new RetryBudget(deps.retryBudget),
    cache: deps.cache?.maxBytes === 0 ? null : new ExactCache(deps.cache ?? { maxBytes: DEFAULT_CACHE_MAX_BYTES }),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.random ? { random: deps.random } : {}),
  })
  const server: RunningHttpServer = await startHttpServer(app, deps.http)
  deps.log.info({ url: server.url, podId: deps.podId }, 'gateway listening')
  return {
    url: server.url,
    snapshots,
    usage,
    async stop(drainTimeoutMs) {
      await server.close(drainTimeoutMs)
      await exchange?.stop()
      await usage.close()
      await upstream.close()
    },
  }
}
