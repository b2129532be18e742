import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PolicySnapshot } from '@switchyard/contracts'
import { encryptJson, hashApiKey, parseKeyring } from '@switchyard/secrets'

export const BENCH_MODEL = 'bench-model'
/** Same deployment, but the simulator paces its streams (its scenario is keyed by model name). */
export const PACED_MODEL = 'bench-model-paced'
const PROVIDER_ID = 'prov_sim'

export interface BenchSecrets {
  readonly snapshotPath: string
  /** The virtual key clients present to the gateway. */
  readonly apiKey: string
  readonly keyPepper: string
  readonly keyring: string
}

/**
 * The smallest real policy: one org, one active key, one OpenAI-compatible provider (the
 * simulator, which wants a bearer key, so the credentials are encrypted as the control plane
 * would do it), two models (one paced by the simulator) with one deployment each. Parsed with the contract before it is written,
 * so a schema change fails here and not as a gateway that never becomes ready.
 */
export async function writeBenchSnapshot(directory: string, simulatorUrl: string): Promise<BenchSecrets> {
  const keyPepper = randomBytes(24).toString('base64url')
  const keyring = `bench:${randomBytes(32).toString('base64')}`
  const apiKey = `sk-bench-${randomBytes(16).toString('hex')}`
  const snapshot = PolicySnapshot.parse({
    schemaVersion: 1,
    revision: 1,
    generatedAt: new Date().toISOString(),
    orgs: [{ id: 'org_bench', name: 'bench' }],
    teams: [],
    projects: [],
    keys: [
      {
        id: 'key_bench',
        name: 'bench',
        hash: hashApiKey(Buffer.from(keyPepper, 'utf8'), apiKey),
        prefix: apiKey.slice(0, 12),
        orgId: 'org_bench',
        teamId: null,
        projectId: null,
        environment: null,
        userId: null,
        tags: {},
        allowedModels: null,
        expiresAt: null,
        status: 'active',
      },
    ],
    jwtIssuers: [],
    providers: [
      {
        id: PROVIDER_ID,
        name: 'simulator',
        target: { type: 'openai-compatible', baseUrl: `${simulatorUrl}/openai/v1` },
        credentials: encryptJson(
          parseKeyring(keyring),
          { type: 'openai-compatible', apiKey: 'sk-simulator-upstream' },
          PROVIDER_ID,
        ),
      },
    ],
    models: [BENCH_MODEL, PACED_MODEL].map((name) => ({
      id: `model_${name.replaceAll('-', '_')}`,
      name,
      routeId: null,
      deployments: [
        {
          id: `dep_${name.replaceAll('-', '_')}`,
          providerId: PROVIDER_ID,
          upstreamModel: name,
          weight: 1,
          prices: { inputMicroUsdPerMTok: 150_000, outputMicroUsdPerMTok: 600_000 },
          limits: null,
        },
      ],
    })),
    routes: [],
    rateLimits: [],
    budgets: [],
  })
  const snapshotPath = join(directory, 'snapshot.json')
  await writeFile(snapshotPath, JSON.stringify(snapshot), { mode: 0o600 })
  return { snapshotPath, apiKey, keyPepper, keyring }
}
