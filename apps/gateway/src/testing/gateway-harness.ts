import { createHash, randomBytes } from 'node:crypto'
import { PolicySnapshot, type ProviderCredentials, type ProviderTarget } from '@switchyard/contracts'
import { createLogger, startHttpServer } from '@switchyard/http-server'
import { providerAdapters } from '@switchyard/providers'
import { encryptJson, hashApiKey, parseKeyring } from '@switchyard/secrets'
import { type RunningSimulator, startSimulator } from '@switchyard/simulator'
import { createGatewayApp } from '../app.ts'
import { GatewayMetrics } from '../metrics/gateway-metrics.ts'
import { compileRuntimePolicy } from '../policy/runtime-policy.ts'
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

export interface GatewayHarness {
  readonly gatewayUrl: string
  readonly apiKey: string
  readonly simulator: RunningSimulator
  readonly modelOf: (family: ProviderFamily) => string
  readonly upstream: UpstreamClient
  /** Closes the gateway's HTTP server only, draining in-flight requests for up to `drainMs`. */
  stopGateway(drainMs: number): Promise<void>
  close(): Promise<void>
}

/**
 * A gateway on a real HTTP port in front of the provider simulator (which checks Bedrock's
 * SigV4 signatures with known credentials), with a snapshot holding one model per provider
 * family and one virtual key. Credentials travel encrypted, as from the control plane.
 */
export async function startGatewayHarness(): Promise<GatewayHarness> {
  const simulator = await startSimulator({ bedrockCredentials })
  const keyring = parseKeyring(`k1:${randomBytes(32).toString('base64')}`)
  const pepper = randomBytes(32)
  const apiKey = `sk-sy-${randomBytes(24).toString('base64url')}`
  const price = { inputMicroUsdPerMTok: 1_000_000, outputMicroUsdPerMTok: 2_000_000 }
  const snapshot = PolicySnapshot.parse({
    schemaVersion: 1,
    revision: 1,
    generatedAt: new Date().toISOString(),
    orgs: [{ id: 'org', name: 'acme' }],
    teams: [{ id: 'team', orgId: 'org', name: 'search', allowedModels: null }],
    projects: [],
    keys: [
      {
        id: 'key',
        name: 'matrix',
        hash: hashApiKey(pepper, apiKey),
        prefix: apiKey.slice(0, 12),
        orgId: 'org',
        teamId: 'team',
        projectId: null,
        environment: 'test',
        userId: null,
        tags: {},
        allowedModels: null,
        expiresAt: null,
        status: 'active',
      },
    ],
    jwtIssuers: [],
    providers: PROVIDER_FAMILIES.map((family) => {
      const credentials = familyCredentials(family)
      return {
        id: `prov_${family}`,
        name: family,
        target: familyTarget(family, simulator.url),
        credentials: encryptJson(keyring, credentials, `prov_${family}`),
      }
    }),
    models: PROVIDER_FAMILIES.map((family) => ({
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
    routes: [],
    rateLimits: [],
    budgets: [],
  })
  const snapshots = new SnapshotState((parsed) => compileRuntimePolicy(parsed, keyring))
  const body = new TextEncoder().encode(JSON.stringify(snapshot))
  const outcome = snapshots.apply({ revision: 1, checksum: createHash('sha256').update(body).digest('hex'), body })
  if (outcome.kind !== 'applied') throw new Error(`harness snapshot refused: ${JSON.stringify(outcome)}`)
  const upstream = new UpstreamClient({ connectionsPerOrigin: 32, keepAliveTimeoutMs: 10_000 })
  const app = createGatewayApp({
    podId: 'matrix',
    snapshots,
    log: createLogger('gateway', 'silent'),
    adapters: providerAdapters,
    upstream,
    metrics: new GatewayMetrics(),
    keyPepper: pepper,
    maxBodyBytes: 4 * 1024 * 1024,
  })
  const server = await startHttpServer(app, { host: '127.0.0.1', port: 0 })
  return {
    gatewayUrl: server.url,
    apiKey,
    simulator,
    modelOf: (family) => `m-${family}`,
    upstream,
    stopGateway: (drainMs) => server.close(drainMs),
    async close() {
      await server.close(1_000)
      await upstream.close()
      await simulator.close()
    },
  }
}
