import { createHash, randomBytes } from 'node:crypto'
import { cpus } from 'node:os'
import { type Bus, createNatsBus } from '@switchyard/bus'
import { PolicySnapshot } from '@switchyard/contracts'
import { apiKeys, type Database, type DatabaseHandle, openPostgres, snapshotRevisions } from '@switchyard/db'
import { parseKeyring } from '@switchyard/secrets'
import {
  type NatsServerHandle,
  type PostgresServerHandle,
  startNatsServer,
  startPostgresServer,
} from '@switchyard/test-services'
import { eq } from 'drizzle-orm'
import { compileSnapshot } from '../src/snapshot/compile-snapshot.ts'
import { publishSnapshot } from '../src/snapshot/publish-snapshot.ts'
import { readPolicyState } from '../src/snapshot/read-policy-state.ts'
import { type JsonLinesChild, processRss, startJsonLinesChild, wallMs } from './bench-children.ts'
import { type ScaleShape, type SeededState, seedPolicyState } from './seed-policy-state.ts'
import {
  type BenchResult,
  type EnforcementSample,
  type Round,
  renderReport,
  writeReport,
} from './snapshot-scale-report.ts'

/**
 * `pnpm bench:snapshot`: compiles, publishes and applies a policy snapshot at the scale the
 * issue names (100,000 keys, 500 teams, 1,000 deployments) on a real PostgreSQL and a real
 * nats-server, and times a change (one key revoked in Postgres, then `publishSnapshot`) until a
 * real gateway process rejects that key. See docs/benchmarks.md, "Policy snapshots at scale".
 *
 *   --write        rewrite the results section of docs/benchmarks.md
 *   --keys=N       fewer keys, for a quick try (never written)
 */
const args = process.argv.slice(2)
const isWrite = args.includes('--write')
const keysArg = args.find((arg) => arg.startsWith('--keys='))
const SHAPE: ScaleShape = {
  orgs: 20,
  teams: 500,
  projectsPerTeam: 2,
  providers: 10,
  routes: 20,
  models: 100,
  deploymentsPerModel: 10,
  keys: keysArg ? Number(keysArg.slice('--keys='.length)) : 100_000,
}
const ROUNDS = 2
const REVOKES_PER_ROUND = 3
const ms = (from: number) => performance.now() - from

const services: { postgres?: PostgresServerHandle; nats?: NatsServerHandle } = {}
const children: JsonLinesChild[] = []
let database: DatabaseHandle | undefined
let bus: Bus | undefined

try {
  const [postgres, nats] = await Promise.all([startPostgresServer(), startNatsServer()])
  services.postgres = postgres
  services.nats = nats
  database = openPostgres({ url: await postgres.createDatabase('scale') })
  await database.migrate()
  const keyringText = `bench:${randomBytes(32).toString('base64')}`
  const keyPepper = randomBytes(24).toString('base64')
  const seeded = await seedPolicyState(database.db, SHAPE, {
    keyring: parseKeyring(keyringText),
    keyPepper: Buffer.from(keyPepper, 'utf8'),
  })
  console.error(`seeded in ${(seeded.seedMs / 1000).toFixed(1)} s: ${JSON.stringify(seeded.counts)}`)
  const revokedIndexes = Array.from({ length: ROUNDS * REVOKES_PER_ROUND }, (_, i) => (1_000 + i * 7_919) % SHAPE.keys)
  bus = await createNatsBus({ servers: nats.url, name: 'bench-control-plane' })

  const probe = startJsonLinesChild('pod probe', ['--expose-gc', 'apps/gateway/bench/snapshot-pod-probe.ts'], {
    PROBE_NATS_URL: nats.url,
    PROBE_KEYRING: keyringText,
    PROBE_KEY_PEPPER: keyPepper,
    PROBE_WATCH_KEYS: revokedIndexes.map((index) => seeded.apiKey(index)).join(','),
  })
  const gateway = startJsonLinesChild('gateway', ['apps/gateway/src/main.ts'], {
    SWITCHYARD_NATS_URL: nats.url,
    SWITCHYARD_GATEWAY_HOST: '127.0.0.1',
    SWITCHYARD_GATEWAY_PORT: '0',
    SWITCHYARD_POD_ID: 'bench-pod',
    SWITCHYARD_SECRETS_KEYRING: keyringText,
    SWITCHYARD_KEY_PEPPER: keyPepper,
    SWITCHYARD_USAGE_SPOOL_DIR: `${postgres.dataDir}/../gateway-spool`,
    SWITCHYARD_LOG_LEVEL: 'info',
  })
  children.push(probe, gateway)
  const probeBaseline = await probe.waitFor((line) => line.event === 'baseline')
  const { url: gatewayUrl } = (await gateway.waitFor((line) => line.msg === 'gateway listening')) as { url: string }
  const gatewayPid = gateway.process.pid ?? 0
  const gatewayIdle = processRss(gatewayPid)

  const rounds: Round[] = []
  for (let round = 0; round < ROUNDS; round += 1) {
    const controlPlane = await publishInPhases(database.db, bus)
    const probeApplied = await probe.waitFor((l) => l.event === 'applied' && l.revision === controlPlane.revision)
    const probeMemory = await probe.waitFor((l) => l.event === 'memory' && l.revision === controlPlane.revision)
    const gatewayApplied = await gateway.waitFor(
      (l) => l.msg === 'policy snapshot applied' && l.revision === controlPlane.revision,
    )
    const samples: EnforcementSample[] = []
    for (let i = 0; i < REVOKES_PER_ROUND; i += 1) {
      const position = round * REVOKES_PER_ROUND + i
      const index = revokedIndexes[position] ?? 0
      samples.push(await revokeAndWait(database.db, bus, seeded, index, position, gatewayUrl, probe))
    }
    rounds.push({
      controlPlane,
      probe: { applied: probeApplied, memory: probeMemory },
      gateway: { applied: gatewayApplied, ...processRss(gatewayPid) },
      samples,
    })
  }
  const result: BenchResult = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
    counts: seeded.counts,
    seedMs: seeded.seedMs,
    probeBaseline,
    gatewayIdle,
    rounds,
  }
  const report = renderReport(result)
  console.log(report)
  if (isWrite && !keysArg) await writeReport(report)
} finally {
  for (const child of children) await child.stop()
  await bus?.close()
  await database?.close()
  await services.nats?.dispose()
  await services.postgres?.dispose()
}

/**
 * What `publishSnapshot` does, step by step with a clock on each (same transaction, same
 * calls), and, measured apart, what the `PolicySnapshot` schema alone costs on this snapshot.
 */
async function publishInPhases(db: Database, target: Bus): Promise<Round['controlPlane']> {
  const started = performance.now()
  const phases = await db.transaction(
    async (tx) => {
      const [reserved] = await tx
        .insert(snapshotRevisions)
        .values({ checksum: 'pending', sizeBytes: 0 })
        .returning({ revision: snapshotRevisions.revision })
      if (!reserved) throw new Error('no revision')
      let at = performance.now()
      const state = await readPolicyState(tx)
      const readMs = ms(at)
      at = performance.now()
      const snapshot = compileSnapshot(state, reserved.revision, new Date())
      const compileMs = ms(at)
      at = performance.now()
      const body = new TextEncoder().encode(JSON.stringify(snapshot))
      const serialiseMs = ms(at)
      at = performance.now()
      const checksum = createHash('sha256').update(body).digest('hex')
      const checksumMs = ms(at)
      await tx
        .update(snapshotRevisions)
        .set({ checksum, sizeBytes: body.byteLength })
        .where(eq(snapshotRevisions.revision, reserved.revision))
      at = performance.now()
      PolicySnapshot.parse(snapshot)
      const schemaOnlyMs = ms(at)
      return { revision: reserved.revision, body, readMs, compileMs, serialiseMs, checksumMs, schemaOnlyMs }
    },
    { isolationLevel: 'repeatable read' },
  )
  const transactionMs = ms(started) - phases.schemaOnlyMs
  const publishAt = performance.now()
  await target.publishSnapshot({ revision: phases.revision, body: phases.body })
  const publishMs = ms(publishAt)
  const publishReturnedAtMs = wallMs()
  return {
    publishReturnedAtMs,
    revision: phases.revision,
    sizeBytes: phases.body.byteLength,
    readMs: phases.readMs,
    compileMs: phases.compileMs,
    schemaOnlyMs: phases.schemaOnlyMs,
    serialiseMs: phases.serialiseMs,
    checksumMs: phases.checksumMs,
    transactionMs,
    publishMs,
    totalMs: transactionMs + publishMs,
  }
}

/**
 * Revokes one key in Postgres (the admin API's write), then calls the real `publishSnapshot`;
 * meanwhile polls the gateway with that key until it answers 401 `api_key_revoked`.
 */
async function revokeAndWait(
  db: Database,
  target: Bus,
  seeded: SeededState,
  index: number,
  position: number,
  gatewayUrl: string,
  probe: JsonLinesChild,
): Promise<EnforcementSample> {
  const apiKey = seeded.apiKey(index)
  if ((await modelsStatus(gatewayUrl, apiKey)).status !== 200) throw new Error(`key ${index} is not served before`)
  await db
    .update(apiKeys)
    .set({ status: 'revoked', updatedAt: new Date() })
    .where(eq(apiKeys.id, seeded.keyId(index)))
  const changedAt = wallMs()
  let isPublished = false
  const rejected = (async () => {
    const deadline = performance.now() + 60_000
    while (performance.now() < deadline) {
      const { status, code, at } = await modelsStatus(gatewayUrl, apiKey)
      if (status === 401 && code === 'api_key_revoked') return at
      if (status !== 200) throw new Error(`gateway answered ${status} ${code}`)
      await new Promise((resolve) => setTimeout(resolve, isPublished ? 1 : 5))
    }
    throw new Error('the gateway never rejected the revoked key')
  })()
  const publishStarted = performance.now()
  const published = await publishSnapshot(db, target, () => new Date())
  const publishedAt = wallMs()
  const publishSnapshotMs = ms(publishStarted)
  isPublished = true
  const rejectedAt = await rejected
  const probeApplied = await probe.waitFor(
    (l) =>
      l.event === 'applied' &&
      l.revision === published.revision &&
      (l.watchedKeys as string[] | undefined)?.[position] === 'revoked',
  )
  return {
    revision: published.revision,
    publishSnapshotMs,
    changeToGatewayRejectsMs: rejectedAt - changedAt,
    publishReturnToGatewayRejectsMs: rejectedAt - publishedAt,
    changeToProbeAppliedMs: Number(probeApplied.appliedAtMs) - changedAt,
  }
}

async function modelsStatus(url: string, apiKey: string): Promise<{ status: number; code?: string; at: number }> {
  const response = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } })
  const at = wallMs()
  const body = (await response.json()) as { error?: { code?: string } }
  return { status: response.status, ...(body.error?.code ? { code: body.error.code } : {}), at }
}
