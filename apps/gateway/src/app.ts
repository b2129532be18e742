import { healthRoutes, installErrorHandling, type Logger } from '@switchyard/http-server'
import { JwksCache } from '@switchyard/jwt-auth'
import type { ProviderAdapterRegistry } from '@switchyard/providers'
import { Hono } from 'hono'
import { messagesRoute } from './anthropic/messages-route.ts'
import { DEFAULT_CACHE_MAX_BYTES, ExactCache } from './cache/exact-cache.ts'
import type { Limiter } from './limits/limiter.ts'
import type { UsageSink } from './metering/usage-emitter.ts'
import { UsageMeter } from './metering/usage-meter.ts'
import type { GatewayMetrics } from './metrics/gateway-metrics.ts'
import { chatCompletionsRoute } from './openai/chat-completions-route.ts'
import { embeddingsRoute } from './openai/embeddings-route.ts'
import { modelsRoute } from './openai/models-route.ts'
import { JwtAuthenticator } from './pipeline/authenticate-jwt.ts'
import { KeyHasher } from './pipeline/key-hasher.ts'
import { abortableSleep } from './routing/abortable-sleep.ts'
import { DeploymentHealthRegistry } from './routing/deployment-health.ts'
import { RetryBudget } from './routing/retry-budget.ts'
import { RoundRobinTurns } from './routing/round-robin-turns.ts'
import type { RoutingDeps } from './routing/run-attempts.ts'
import { snapshotReadiness } from './snapshot/snapshot-readiness.ts'
import type { SnapshotState } from './snapshot/snapshot-state.ts'
import type { UpstreamClient } from './upstream/upstream-client.ts'

export interface GatewayDeps {
  readonly podId: string
  readonly snapshots: SnapshotState
  readonly log: Logger
  readonly adapters: ProviderAdapterRegistry
  readonly upstream: UpstreamClient
  readonly metrics: GatewayMetrics
  /** Server-side pepper of the keyed API key hashes (shared with the control plane). */
  readonly keyPepper: Buffer
  /** The pod's cache of JWT issuers' key sets, kept across snapshots. Created here when not given. */
  readonly jwksCache?: JwksCache
  readonly maxBodyBytes: number
  /**
   * Where the usage events of proxied requests go (the pod's `UsageEmitter`). Absent: nothing
   * is metered, which only tests that do not look at usage may want.
   */
  readonly usage?: UsageSink
  /**
   * The pod's passive health of deployments (breakers, in-flight counts, latency), keyed by
   * deployment id so it outlives snapshot swaps. Created here when not given.
   */
  readonly health?: DeploymentHealthRegistry
  /** Rate limits and budgets, with the counter book the pod shares with its peers. Absent: none enforced. */
  readonly limiter?: Limiter
  /** The pod's retry budget. Created here with the defaults when not given. */
  readonly retryBudget?: RetryBudget
  /**
   * The pod's exact cache of whole answers, used by routes with a cache section. Created here
   * (64 MiB) when not given; null: the pod caches nothing.
   */
  readonly cache?: ExactCache | null
  readonly now?: () => number
  readonly random?: () => number
  /** Waits between attempts (backoff, Retry-After); tests may drive it. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>
}

/**
 * The data-plane pod. It opens nothing: main.ts (or the embedded runner) hands it the snapshot
 * state that the bus keeps current. The OpenAI- and Anthropic-compatible APIs mount here.
 */
export function createGatewayApp(deps: GatewayDeps): Hono {
  const now = deps.now ?? Date.now
  const health = deps.health ?? new DeploymentHealthRegistry()
  const retryBudget = deps.retryBudget ?? new RetryBudget()
  deps.metrics.trackRouting(health, retryBudget, now)
  const routing: Omit<RoutingDeps, 'metrics'> = {
    health,
    retryBudget,
    roundRobin: new RoundRobinTurns(),
    now,
    random: deps.random ?? Math.random,
    sleep: deps.sleep ?? abortableSleep,
  }
  const meter = new UsageMeter({ podId: deps.podId, sink: deps.usage, log: deps.log, now })
  const jwtAuth = new JwtAuthenticator({ jwksCache: deps.jwksCache ?? new JwksCache({ now }), now })
  const cache = deps.cache === undefined ? new ExactCache({ maxBytes: DEFAULT_CACHE_MAX_BYTES }) : deps.cache
  if (cache) deps.metrics.trackExactCache(() => cache.stats())
  const routeDeps = {
    ...deps,
    ...routing,
    meter,
    keyHasher: new KeyHasher(deps.keyPepper),
    jwtAuth,
    cache: cache ?? undefined,
  }
  const app = installErrorHandling(new Hono(), deps.log)
  app.route(
    '/',
    healthRoutes('gateway', () => {
      const { isReady, details } = snapshotReadiness(deps.snapshots, now())
      return { isReady, details: { podId: deps.podId, ...details } }
    }),
  )
  app.get('/metrics', async (c) =>
    c.text(await deps.metrics.registry.metrics(), 200, { 'content-type': deps.metrics.registry.contentType }),
  )
  app.route('/', chatCompletionsRoute(routeDeps))
  app.route('/', embeddingsRoute(routeDeps))
  app.route('/', modelsRoute(routeDeps))
  app.route('/', messagesRoute(routeDeps))
  return app
}
