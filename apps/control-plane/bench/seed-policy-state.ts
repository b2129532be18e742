import { createSecretKey } from 'node:crypto'
import { RetryPolicy, RouteTimeouts } from '@switchyard/contracts'
import { apiKeys, type Database, deployments, models, orgs, projects, providers, routes, teams } from '@switchyard/db'
import { encryptJson, hashApiKey, type Keyring } from '@switchyard/secrets'

export interface ScaleShape {
  readonly orgs: number
  readonly teams: number
  readonly projectsPerTeam: number
  readonly providers: number
  readonly routes: number
  readonly models: number
  /** Deployments per model; one per provider, so at most `providers`. */
  readonly deploymentsPerModel: number
  readonly keys: number
}

export interface SeededState {
  readonly counts: Record<string, number>
  /** The plaintext of key `index`: every seeded key is a real HMAC of a known key. */
  apiKey(index: number): string
  keyId(index: number): string
  readonly seedMs: number
}

/** Rows per INSERT: keys have 15 columns, so 4,000 rows stay under Postgres's 65,535 parameters. */
const CHUNK_ROWS = 4_000

const pad = (n: number, width: number) => String(n).padStart(width, '0')
const apiKeyOf = (index: number) => `sk-sy-scale-${pad(index, 7)}-c0ffee`

/**
 * Fills an empty, migrated database with a control plane's state at scale, with drizzle bulk
 * inserts in chunks: orgs, teams (a third with a model allow-list), projects, providers with
 * encrypted credentials, routes, models with their deployments, and keys (a tenth with their own
 * allow-list, some with an expiry, all with tags), every key hashed as the control plane does.
 */
export async function seedPolicyState(
  db: Database,
  shape: ScaleShape,
  secrets: { readonly keyring: Keyring; readonly keyPepper: Buffer },
): Promise<SeededState> {
  const started = performance.now()
  const orgRows = Array.from({ length: shape.orgs }, (_, i) => ({ id: `org_${pad(i, 3)}`, name: `org-${pad(i, 3)}` }))
  const modelNames = Array.from({ length: shape.models }, (_, i) => `model-${pad(i, 4)}`)
  const teamRows = Array.from({ length: shape.teams }, (_, i) => ({
    id: `team_${pad(i, 4)}`,
    orgId: `org_${pad(i % shape.orgs, 3)}`,
    name: `team-${pad(i, 4)}`,
    allowedModels: i % 3 === 0 ? modelNames.filter((_, m) => (m + i) % 4 === 0) : null,
  }))
  const projectRows = teamRows.flatMap((team) =>
    Array.from({ length: shape.projectsPerTeam }, (_, p) => ({
      id: `${team.id}_proj_${p}`,
      teamId: team.id,
      name: `project-${p}`,
    })),
  )
  const providerRows = Array.from({ length: shape.providers }, (_, i) => {
    const id = `prov_${pad(i, 3)}`
    return {
      id,
      name: `provider-${pad(i, 3)}`,
      type: 'openai-compatible',
      target: { baseUrl: `http://127.0.0.1:${4100 + i}/v1` },
      credentials: encryptJson(secrets.keyring, { type: 'openai-compatible', apiKey: `sk-upstream-${i}` }, id),
    }
  })
  const routeRows = Array.from({ length: shape.routes }, (_, i) => ({
    id: `route_${pad(i, 3)}`,
    name: `route-${pad(i, 3)}`,
    policy: {
      strategy: 'weighted',
      retries: RetryPolicy.parse({}),
      timeouts: RouteTimeouts.parse({}),
      fallbackOn: ['429', '5xx'],
    },
    fallbackModelIds: [`model_${pad((i + 1) % shape.models, 4)}`],
  }))
  const modelRows = modelNames.map((name, i) => ({
    id: `model_${pad(i, 4)}`,
    name,
    routeId: i % 2 === 0 ? `route_${pad(i % shape.routes, 3)}` : null,
  }))
  const deploymentRows = modelRows.flatMap((model, m) =>
    Array.from({ length: shape.deploymentsPerModel }, (_, d) => ({
      id: `${model.id}_dep_${d}`,
      modelId: model.id,
      providerId: `prov_${pad((m + d) % shape.providers, 3)}`,
      upstreamModel: `upstream-${model.name}`,
      weight: 1 + (d % 3),
      prices: { inputMicroUsdPerMTok: 150_000 + d, outputMicroUsdPerMTok: 600_000 + m },
      limits: d % 2 === 0 ? { requestsPerMinute: 10_000, tokensPerMinute: 2_000_000 } : null,
      position: d,
    })),
  )

  await insertChunked(db, orgs, orgRows)
  await insertChunked(db, teams, teamRows)
  await insertChunked(db, projects, projectRows)
  await insertChunked(db, providers, providerRows)
  await insertChunked(db, routes, routeRows)
  await insertChunked(db, models, modelRows)
  await insertChunked(db, deployments, deploymentRows)

  const pepper = createSecretKey(secrets.keyPepper)
  const expiresAt = new Date(Date.now() + 365 * 24 * 3600 * 1000)
  for (let from = 0; from < shape.keys; from += CHUNK_ROWS) {
    const rows = []
    for (let i = from; i < Math.min(shape.keys, from + CHUNK_ROWS); i += 1) {
      const team = teamRows[i % shape.teams]
      if (!team) throw new Error('no team rows')
      const apiKey = apiKeyOf(i)
      rows.push({
        id: keyIdOf(i),
        name: `key-${pad(i, 7)}`,
        keyHash: hashApiKey(pepper, apiKey),
        prefix: apiKey.slice(0, 16),
        orgId: team.orgId,
        teamId: team.id,
        projectId: i % 2 === 0 ? `${team.id}_proj_${i % shape.projectsPerTeam}` : null,
        environment: i % 4 === 0 ? 'staging' : 'production',
        userId: `user-${i % 20_000}@example.com`,
        tags: { costCenter: `cc-${i % 50}`, app: `app-${i % 400}` },
        allowedModels: i % 10 === 0 ? modelNames.slice(i % shape.models, (i % shape.models) + 3) : null,
        expiresAt: i % 5 === 0 ? expiresAt : null,
        status: 'active' as const,
      })
    }
    await db.insert(apiKeys).values(rows)
  }
  return {
    counts: {
      orgs: orgRows.length,
      teams: teamRows.length,
      projects: projectRows.length,
      providers: providerRows.length,
      routes: routeRows.length,
      models: modelRows.length,
      deployments: deploymentRows.length,
      keys: shape.keys,
    },
    apiKey: apiKeyOf,
    keyId: keyIdOf,
    seedMs: performance.now() - started,
  }
}

function keyIdOf(index: number): string {
  return `key_${pad(index, 7)}`
}

// drizzle's table types differ per table; the rows were built for the table they go to.
async function insertChunked<T extends Parameters<Database['insert']>[0]>(
  db: Database,
  table: T,
  rows: ReadonlyArray<T['$inferInsert']>,
): Promise<void> {
  for (let from = 0; from < rows.length; from += CHUNK_ROWS) {
    await db.insert(table).values(rows.slice(from, from + CHUNK_ROWS) as never)
  }
}
