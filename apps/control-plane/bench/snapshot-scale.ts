import { randomBytes } from 'node:crypto'
import { cpus, loadavg } from 'node:os'
import { type Bus, createNatsBus } from '@switchyard/bus'
import { type DatabaseHandle, openPostgres } from '@switchyard/db'
import { parseKeyring } from '@switchyard/secrets'
import {
  type NatsServerHandle,
  type PostgresServerHandle,
  startNatsServer,
  startPostgresServer,
} from '@switchyard/test-services'
import { type ChangePath, changeTeamThroughApi, revokeThroughApi } from './admin-changes.ts'
import { type JsonLinesChild, processRss, startJsonLinesChild } from './bench-children.ts'
import { publishInPhases, timeOverlayQuery } from './publish-in-phases.ts'
import { type ScaleShape, seedPolicyState } from './seed-policy-state.ts'
import { type BenchResult, type Round, renderReport, writeReport } from './snapshot-scale-report.ts'

/**
 * `pnpm bench:snapshot`: compiles, publishes and applies a policy snapshot at the scale the
 * issue names (100,000 keys, 500 teams, 1,000 deployments) on a real PostgreSQL and a real
 * nats-server, with the real control plane (its admin API and publisher) in a process of its
 * own, a real gateway process and a probe pod. Times a key revoked through the admin API (a key
 * overlay) and a team changed through it (a whole policy snapshot) from the API's answer until
 * the gateway enforces it. See docs/benchmarks.md, "Policy snapshots at scale".
 *
 *   --write        rewrite the results section of docs/benchmarks.md
 *   --keys=N       fewer keys, for a quick try (never written)
 *   --pod-env=NODE_OPTIONS=--max-semi-space-size=16
 *                  a variable for both pods (repeatable), to measure V8 or malloc settings (never written)
 */
const args = process.argv.slice(2)
const isWrite = args.includes('--write')
const keysArg = args.find((arg) => arg.startsWith('--keys='))
const podEnv: Record<string, string> = Object.fromEntries(
  args
    .filter((arg) => arg.startsWith('--pod-env='))
    .map((arg) => {
      const [name = '', ...value] = arg.slice('--pod-env='.length).split('=')
      return [name, value.join('=')]
    }),
)
const podEnvText = Object.entries(podEnv)
  .map(([name, value]) => `${name}=${value}`)
  .join(' ')
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
/** Teams with a model allow-list (every third) whose keys have none of their own (not every tenth). */
const CHANGED_TEAMS = [3, 9] as const

const services: { postgres?: PostgresServerHandle; nats?: NatsServerHandle } = {}
const children: JsonLinesChild[] = []
let database: DatabaseHandle | undefined
let bus: Bus | undefined

const loadAtStart = loadavg()
try {
  const [postgres, nats] = await Promise.all([startPostgresServer(), startNatsServer()])
  services.postgres = postgres
  services.nats = nats
  const databaseUrl = await postgres.createDatabase('scale')
  database = openPostgres({ url: databaseUrl })
  await database.migrate()
  const keyringText = `bench:${randomBytes(32).toString('base64')}`
  const keyPepper = randomBytes(24).toString('base64')
  const adminToken = `bench-admin-${randomBytes(24).toString('hex')}`
  const seeded = await seedPolicyState(database.db, SHAPE, {
    keyring: parseKeyring(keyringText),
    keyPepper: Buffer.from(keyPepper, 'utf8'),
  })
  console.error(`seeded in ${(seeded.seedMs / 1000).toFixed(1)} s: ${JSON.stringify(seeded.counts)}`)
  const revokedIndexes = Array.from({ length: ROUNDS * REVOKES_PER_ROUND }, (_, i) => (1_000 + i * 7_919) % SHAPE.keys)
  bus = await createNatsBus({ servers: nats.url, name: 'bench-phases' })

  const controlPlane = startJsonLinesChild('control plane', ['apps/control-plane/src/main.ts'], {
    SWITCHYARD_DATABASE_URL: databaseUrl,
    SWITCHYARD_NATS_URL: nats.url,
    SWITCHYARD_CONTROL_PLANE_HOST: '127.0.0.1',
    SWITCHYARD_CONTROL_PLANE_PORT: '0',
    SWITCHYARD_SECRETS_KEYRING: keyringText,
    SWITCHYARD_KEY_PEPPER: keyPepper,
    SWITCHYARD_ADMIN_TOKEN: adminToken,
    SWITCHYARD_LOG_LEVEL: 'info',
  })
  children.push(controlPlane)
  const { url: adminUrl } = (await controlPlane.waitFor((line) => line.msg === 'control plane listening')) as {
    url: string
  }
  const firstRevision = (await controlPlane.waitFor((line) => line.msg === 'policy snapshot published')).revision
  const probe = startJsonLinesChild('pod probe', ['--expose-gc', 'apps/gateway/bench/snapshot-pod-probe.ts'], {
    PROBE_NATS_URL: nats.url,
    PROBE_KEYRING: keyringText,
    PROBE_KEY_PEPPER: keyPepper,
    PROBE_WATCH_KEYS: revokedIndexes.map((index) => seeded.apiKey(index)).join(','),
    ...podEnv,
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
    ...podEnv,
  })
  children.push(probe, gateway)
  const probeBaseline = await probe.waitFor((line) => line.event === 'baseline')
  const { url: gatewayUrl } = (await gateway.waitFor((line) => line.msg === 'gateway listening')) as { url: string }
  const gatewayPid = gateway.process.pid ?? 0
  const gatewayIdle = processRss(gatewayPid)
  // Both pods start from the control plane's own first publish; the rounds start once they have it.
  await probe.waitFor((l) => l.event === 'memory' && l.revision === firstRevision)
  await gateway.waitFor((l) => l.msg === 'policy snapshot applied' && l.revision === firstRevision)
  const path: ChangePath = { adminUrl, adminToken, gatewayUrl, controlPlane, gateway, probe }

  const rounds: Round[] = []
  for (let round = 0; round < ROUNDS; round += 1) {
    const phases = await publishInPhases(database.db, bus)
    const probeApplied = await probe.waitFor((l) => l.event === 'applied' && l.revision === phases.revision)
    const probeMemory = await probe.waitFor((l) => l.event === 'memory' && l.revision === phases.revision)
    const gatewayApplied = await gateway.waitFor(
      (l) => l.msg === 'policy snapshot applied' && l.revision === phases.revision,
    )
    const gatewayAfterPolicy = processRss(gatewayPid)
    const revocations = []
    for (let i = 0; i < REVOKES_PER_ROUND; i += 1) {
      const position = round * REVOKES_PER_ROUND + i
      const index = revokedIndexes[position] ?? 0
      revocations.push(await revokeThroughApi(path, seeded.keyId(index), seeded.apiKey(index), position))
    }
    const gatewayAfterOverlay = processRss(gatewayPid)
    const team = CHANGED_TEAMS[round % CHANGED_TEAMS.length] ?? 3
    const teamChange = await changeTeamThroughApi(
      path,
      `team_${String(team).padStart(4, '0')}`,
      `model-${String(team % 4 === 0 ? 0 : 4 - (team % 4)).padStart(4, '0')}`,
      seeded.apiKey(team),
    )
    rounds.push({
      controlPlane: phases,
      probe: { applied: probeApplied, memory: probeMemory },
      gateway: { applied: gatewayApplied, afterPolicy: gatewayAfterPolicy, afterOverlay: gatewayAfterOverlay },
      revocations,
      teamChange,
    })
  }
  const overlayQueryMs = await timeOverlayQuery(database.db)
  const result: BenchResult = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
    load: { start: loadAtStart, end: loadavg() },
    ...(podEnvText === '' ? {} : { podEnv: podEnvText }),
    counts: seeded.counts,
    seedMs: seeded.seedMs,
    overlayQueryMs,
    probeBaseline,
    gatewayIdle,
    rounds,
  }
  const report = renderReport(result)
  console.log(report)
  if (isWrite && !keysArg && podEnvText === '') await writeReport(report)
} finally {
  for (const child of children) await child.stop()
  await bus?.close()
  await database?.close()
  await services.nats?.dispose()
  await services.postgres?.dispose()
}
