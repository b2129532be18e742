import { createHash, randomBytes } from 'node:crypto'
import {
  type FallbackCondition,
  type JwtIssuer,
  PolicySnapshot,
  type ProviderCredentials,
  type ProviderTarget,
  type RetryPolicy,
  type RouteCache,
  type RouteStrategy,
  type RouteTimeouts,
  type SnapshotBudget,
  type SnapshotRateLimit,
  type UsageEvent,
} from '@switchyard/contracts'
import { createLogger, startHttpServer } from '@switchyard/http-server'
import type { JwksCache } from '@switchyard/jwt-auth'
import { CounterBook } from '@switchyard/policy'
import { providerAdapters } from '@switchyard/providers'
import { encryptJson, hashApiKey, parseKeyring } from '@switchyard/secrets'
import { type RunningSimulator, startSimulator } from '@switchyard/simulator'
import { createGatewayApp } from '../app.ts'
import { ExactCache } from '../cache/exact-cache.ts'
import { Limiter } from '../limits/limiter.ts'
import {
  UsageEmitter,
  type UsageEmitterSettings,
  type UsagePublisher,
  type UsageSink,
} from '../metering/usage-emitter.ts'
import { UsageSpool, type UsageSpoolSettings } from '../metering/usage-spool.ts'
import { GatewayMetrics } from '../metrics/gateway-metrics.ts'
import { compileRuntimePolicy } from '../policy/runtime-policy.ts'
import type { BreakerSettings } from '../routing/circuit-breaker.ts'
import { DeploymentHealthRegistry } from '../routing/deployment-health.ts'
import { RetryBudget, type RetryBudgetSettings } from '../routing/retry-budget.ts'
import { SnapshotState } from '../snapshot/snapshot-state.ts'
import { UpstreamClient } from '../upstream/upstream-client.ts'

/** One model per provider family, all served by the simulator. */
export const PROVIDER_FAMILIES = [
  'openai',
  'azure-openai',
  'anthropic',
  'gemini',
  'bedrock',
  'openai-compatible',
] as const
export type ProviderFamily = (typeof PROVIDER_FAMILIES)[number]

const bedrockCredentials = { accessKeyId: 'AKIDSIMULATOR', secretAccessKey: 'simulator-secret-access-key' }

/** The provider-side model of each family's deployment; the simulator keys scenarios by it. */
export const UPSTREAM_MODELS: Readonly<Record<ProviderFamily, string>> = {
  openai: 'gpt-4o-mini',
  'azure-openai': 'gpt-4o-deployment',
  anthropic: 'claude-sonnet-4-5',
  gemini: 'gemini-2.5-flash',
  bedrock: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
  'openai-compatible': 'llama-3.1-8b',
}

function familyTarget(family: ProviderFamily, simulatorUrl: string): ProviderTarget {
  switch (family) {
    case 'openai':
      return { type: 'openai', baseUrl: `${simulatorUrl}/openai/v1` }
    case 'azure-openai':
      return { type: 'azure-openai', endpoint: `${simulatorUrl}/azure`, apiVersion: '2024-10-21' }
    case 'anthropic':
      return { type: 'anthropic', baseUrl: `${simulatorUrl}/anthropic` }
    case 'gemini':
      return { type: 'gemini', baseUrl: `${simulatorUrl}/gemini` }
    case 'bedrock':
      return { type: 'bedrock', region: 'us-east-1', endpoint: `${simulatorUrl}/bedrock` }
    case 'openai-compatible':
      return { type: 'openai-compatible', baseUrl: `${simulatorUrl}/openai/v1` }
  }
}

function familyCredentials(family: ProviderFamily): ProviderCredentials {
  switch (family) {
    case 'bedrock':
      return { type: 'bedrock', ...bedrockCredentials }
    default:
      return { type: family, apiKey: `sk-simulator-${family}` }
  }
}

/** One deployment of an extra model: an openai-compatible deployment on the simulator. */
export interface HarnessDeployment {
  /** Unique per deployment, so simulator scenarios can fail one deployment and not the other. */
  readonly upstreamModel: string
  readonly weight?: number
  readonly inputMicroUsdPerMTok?: number
  readonly outputMicroUsdPerMTok?: number
}

export interface HarnessRoute {
  readonly strategy?: RouteStrategy
  readonly retries?: Partial<RetryPolicy>
  readonly timeouts?: Partial<RouteTimeouts>
  readonly fallbackOn?: readonly FallbackCondition[]
  /** Names of other harness models (extra ones or `m-<family>`), tried in order. */
  readonly fallbacks?: readonly string[]
  readonly cache?: Partial<RouteCache>
}

/** An extra model for routing tests; it gets its own route when `route` is given. */
export interface HarnessModel {
  readonly name: string
  readonly deployments: readonly HarnessDeployment[]
  readonly route?: HarnessRoute
}

export interface GatewayHarnessOptions {
  /** Models on top of the one-per-family ones, every deployment openai-compatible on the simulator. */
  readonly models?: readonly HarnessModel[]
  /** Circuit-breaker settings of the pod (e.g. short ejections). */
  readonly breaker?: Partial<BreakerSettings>
  readonly retryBudget?: Partial<RetryBudgetSettings>
  readonly random?: () => number
  /**
   * Usage goes to this bus through a real emitter and spool, as in a pod. Absent: the events
   * are only collected in `usageEvents`.
   */
  readonly usage?: HarnessUsage
  /** JWT issuers of the snapshot; their org must be `org`. None by default. */
  readonly jwtIssuers?: readonly JwtIssuer[]
  /** Teams of org `org` on top of `team` (named `search`). */
  readonly teams?: readonly { readonly id: string; readonly name: string; readonly allowedModels: string[] | null }[]
  readonly jwksCache?: JwksCache
  /** Virtual keys of org `org` on top of `key` (team `team`), each with its own secret: see `apiKeyOf`. */
  readonly keys?: readonly { readonly id: string; readonly teamId: string | null }[]
  /** Rate limits and budgets of the snapshot; when either is given the pod enforces them with a `Limiter`. */
  readonly rateLimits?: readonly SnapshotRateLimit[]
  readonly budgets?: readonly SnapshotBudget[]
  /** The pod's exact cache bound (default 64 MiB). */
  readonly cacheMaxBytes?: number
}

export interface HarnessUsage {
  readonly bus: UsagePublisher
  readonly spoolDir: string
  readonly spool?: Partial<UsageSpoolSettings>
  readonly emitter?: Partial<UsageEmitterSettings>
}

export interface GatewayHarness {
  readonly gatewayUrl: string
  readonly apiKey: string
  readonly simulator: RunningSimulator
  readonly modelOf: (family: ProviderFamily) => string
  readonly upstream: UpstreamClient
  readonly metrics: GatewayMetrics
  readonly health: DeploymentHealthRegistry
  readonly retryBudget: RetryBudget
  /** The pod's usage emitter when the options gave a usage bus; else null. */
  readonly usageEmitter: UsageEmitter | null
  /** Usage events the gateway emitted, when the options gave no usage bus (built a tick after each request). */
  readonly usageEvents: readonly UsageEvent[]
  /** The snapshot id of an extra model's deployment, by its upstream model. */
  readonly deploymentIdOf: (upstreamModel: string) => string
  /** The secret of a key from `options.keys` (or `key`, the default one). */
  readonly apiKeyOf: (keyId: string) => string
  /** POSTs JSON to the gateway with the harness key. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>
  /** Moves the gateway's clock forward (breakers, cool-downs); upstream timeouts keep real time. */
  advanceClock(ms: number): void
  /** Upstream attempts counted in the metrics, of one outcome (`ok`, an error class) or all. */
  upstreamAttempts(outcome?: string): Promise<number>
  /** Closes the gateway's HTTP server only, draining in-flight requests for up to `drainMs`. */
  stopGateway(drainMs: number): Promise<void>
  close(): Promise<void>
}

const price = { inputMicroUsdPerMTok: 1_000_000, outputMicroUsdPerMTok: 2_000_000 }

const deploymentIdOf = (upstreamModel: string) => `dep_x_${upstreamModel}`

function extraModels(models: readonly HarnessModel[]) {
  return models.map((model) => ({
    id: `model_x_${model.name}`,
    name: model.name,
    routeId: model.route ? `route_x_${model.name}` : null,
    deployments: model.deployments.map((deployment) => ({
      id: deploymentIdOf(deployment.upstreamModel),
      providerId: 'prov_openai-compatible',
      upstreamModel: deployment.upstreamModel,
      weight: deployment.weight ?? 1,
      prices: {
        inputMicroUsdPerMTok: deployment.inputMicroUsdPerMTok ?? price.inputMicroUsdPerMTok,
        outputMicroUsdPerMTok: deployment.outputMicroUsdPerMTok ?? price.outputMicroUsdPerMTok,
      },
      limits: null,
    })),
  }))
}

function extraRoutes(models: readonly HarnessModel[]) {
  const idByName = new Map<string, string>(PROVIDER_FAMILIES.map((family) => [`m-${family}`, `model_${family}`]))
  for (const model of models) idByName.set(model.name, `model_x_${model.name}`)
  return models.flatMap(({ name, route }) => {
    if (!route) return []
    const { fallbacks = [], ...policy } = route
    return [
      {
        id: `route_x_${name}`,
        name: `route-${name}`,
        ...policy,
        fallbackModelIds: fallbacks.map((fallback) => idByName.get(fallback) ?? `unknown:${fallback}`),
      },
    ]
  })
}

/**
 * A gateway on a real HTTP port in front of the provider simulator (which checks Bedrock's
 * SigV4 signatures with known credentials), with a snapshot holding one model per provider
 * family, any extra models and routes the options ask for, and one virtual key. Credentials
 * travel encrypted, as from the control plane.
 */
export async function startGatewayHarness(options: GatewayHarnessOptions = {}): Promise<GatewayHarness> {
  const simulator = await startSimulator({ bedrockCredentials })
  const keyring = parseKeyring(`k1:${randomBytes(32).toString('base64')}`)
  const pepper = randomBytes(32)
  const apiKey = `sk-sy-${randomBytes(24).toString('base64url')}`
  const extras = options.models ?? []
  const extraKeys = (options.keys ?? []).map((key) => ({
    ...key,
    secret: `sk-sy-${randomBytes(24).toString('base64url')}`,
  }))
  const keyRow = (id: string, secret: string, teamId: string | null) => ({
    id,
    name: id,
    hash: hashApiKey(pepper, secret),
    prefix: secret.slice(0, 12),
    orgId: 'org',
    teamId,
    projectId: null,
    environment: 'test',
    userId: null,
    tags: {},
    allowedModels: null,
    scopes: null,
    expiresAt: null,
    status: 'active',
  })
  const snapshot = PolicySnapshot.parse({
    schemaVersion: 1,
    revision: 1,
    generatedAt: new Date().toISOString(),
    orgs: [{ id: 'org', name: 'acme' }],
    teams: [
      { id: 'team', orgId: 'org', name: 'search', allowedModels: null },
      ...(options.teams ?? []).map((team) => ({ ...team, orgId: 'org' })),
    ],
    projects: [],
    keys: [
      { ...keyRow('key', apiKey, 'team'), name: 'matrix' },
      ...extraKeys.map((key) => keyRow(key.id, key.secret, key.teamId)),
    ],
    jwtIssuers: options.jwtIssuers ?? [],
    providers: PROVIDER_FAMILIES.map((family) => {
      const credentials = familyCredentials(family)
      return {
        id: `prov_${family}`,
        name: family,
        target: familyTarget(family, simulator.url),
        credentials: encryptJson(keyring, credentials, `prov_${family}`),
      }
    }),
    models: [
      ...PROVIDER_FAMILIES.map((family) => ({
        id: `model_${family}`,
        name: `m-${family}`,
        routeId: null,
        deployments: [
          {
            id: `dep_${family}`,
            providerId: `prov_${family}`,
            upstreamModel: UPSTREAM_MODELS[family],
            weight: 1,
            prices: price,
            limits: null,
          },
        ],
      })),
      ...extraModels(extras),
    ],
    routes: extraRoutes(extras),
    rateLimits: options.rateLimits ?? [],
    budgets: options.budgets ?? [],
  })
  let clockOffsetMs = 0
  const now = () => Date.now() + clockOffsetMs
  const snapshots = new SnapshotState((parsed) => compileRuntimePolicy(parsed, keyring), now)
  const body = new TextEncoder().encode(JSON.stringify(snapshot))
  const outcome = snapshots.apply({ revision: 1, checksum: createHash('sha256').update(body).digest('hex'), body })
  if (outcome.kind !== 'applied') throw new Error(`harness snapshot refused: ${JSON.stringify(outcome)}`)
  const upstream = new UpstreamClient({ connectionsPerOrigin: 32, keepAliveTimeoutMs: 10_000 })
  const metrics = new GatewayMetrics()
  const health = new DeploymentHealthRegistry(options.breaker)
  const retryBudget = new RetryBudget(options.retryBudget)
  const usageEvents: UsageEvent[] = []
  let usageEmitter: UsageEmitter | null = null
  let usage: UsageSink = { emit: (events) => void usageEvents.push(...events) }
  if (options.usage) {
    const log = createLogger('usage-emitter', 'silent')
    const spool = await UsageSpool.open(options.usage.spoolDir, options.usage.spool)
    const settings = options.usage.emitter
    const emitter = new UsageEmitter({ bus: options.usage.bus, spool, log, ...(settings ? { settings } : {}) })
    emitter.start()
    metrics.trackUsageEmitter(() => emitter.stats())
    usageEmitter = emitter
    usage = emitter
  }
  const app = createGatewayApp({
    podId: 'matrix',
    snapshots,
    log: createLogger('gateway', 'silent'),
    adapters: providerAdapters,
    upstream,
    metrics,
    keyPepper: pepper,
    maxBodyBytes: 4 * 1024 * 1024,
    health,
    retryBudget,
    usage,
    now,
    ...(options.rateLimits || options.budgets
      ? {
          limiter: new Limiter({
            book: new CounterBook('matrix#1'),
            onReject: (rejection) => metrics.recordLimitRejection(rejection),
          }),
        }
      : {}),
    ...(options.cacheMaxBytes === undefined ? {} : { cache: new ExactCache({ maxBytes: options.cacheMaxBytes }) }),
    ...(options.random ? { random: options.random } : {}),
    ...(options.jwksCache ? { jwksCache: options.jwksCache } : {}),
  })
  const server = await startHttpServer(app, { host: '127.0.0.1', port: 0 })
  return {
    gatewayUrl: server.url,
    apiKey,
    simulator,
    modelOf: (family) => `m-${family}`,
    upstream,
    metrics,
    health,
    retryBudget,
    usageEmitter,
    usageEvents,
    deploymentIdOf,
    apiKeyOf(keyId) {
      if (keyId === 'key') return apiKey
      const key = extraKeys.find((candidate) => candidate.id === keyId)
      if (!key) throw new Error(`no harness key ${keyId}`)
      return key.secret
    },
    post: (path, body, headers = {}) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }),
    advanceClock(ms) {
      clockOffsetMs += ms
    },
    async upstreamAttempts(outcomeFilter) {
      const metric = await metrics.registry.getSingleMetric('switchyard_upstream_attempts_total')?.get()
      let total = 0
      for (const value of metric?.values ?? []) {
        if (outcomeFilter === undefined || value.labels.outcome === outcomeFilter) total += value.value
      }
      return total
    },
    stopGateway: (drainMs) => server.close(drainMs),
    async close() {
      await server.close(1_000)
      await usageEmitter?.close()
      await upstream.close()
      await simulator.close()
    },
  }
}
