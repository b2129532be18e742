import { join } from 'node:path'
import { type BenchChild, freePort, readMemoryKb, startPinnedNode, waitUntilReady } from './bench-processes.ts'
import { BENCH_MODEL, type BenchSecrets, PACED_MODEL, writeBenchSnapshot } from './bench-snapshot.ts'
import { chatWorkload, type LoadTarget, probeLatency } from './load-runs.ts'

export interface SubjectOptions {
  readonly repoRoot: string
  readonly workDir: string
  /** Cores: the gateway alone on one, the simulator (with the load generator) on another. */
  readonly gatewayCore: number
  readonly loadCore: number
  /** Run the minimal proxy of baseline-proxy.ts instead of the gateway. */
  readonly isBaseline: boolean
  /** Extra flags for the gateway's node, e.g. V8 heap settings to compare. */
  readonly nodeFlags: readonly string[]
  /** Where the gateway writes its --cpu-prof profile, if profiling. */
  readonly profileDir: string | undefined
}

export interface Subjects {
  readonly simulator: LoadTarget
  readonly gateway: LoadTarget
  readonly gatewayChild: BenchChild
  readonly pids: Readonly<Record<'simulator' | 'gateway', number>>
  readonly idleRssKb: number
}

/** Starts the simulator, then the gateway (or the baseline proxy) in front of it, both ready. */
export async function startSubjects(options: SubjectOptions): Promise<Subjects> {
  const simulatorPort = await freePort()
  const simulatorUrl = `http://127.0.0.1:${simulatorPort}`
  const simulatorChild = startPinnedNode(
    'simulator',
    options.loadCore,
    [join(options.repoRoot, 'packages/simulator/src/main.ts')],
    { SIMULATOR_HOST: '127.0.0.1', SIMULATOR_PORT: String(simulatorPort) },
    join(options.workDir, 'simulator.log'),
  )
  const simulator: LoadTarget = {
    name: 'simulator',
    origin: simulatorUrl,
    path: '/openai/v1/chat/completions',
    headers: { authorization: 'Bearer sk-simulator-direct' },
  }
  const probe = chatWorkload(BENCH_MODEL, false)
  await waitUntilReady(simulatorChild, async () => (await probeLatency(simulator, probe, 1, 'end')).count === 1)
  await pacePacedModel(simulatorUrl)

  const secrets = await writeBenchSnapshot(options.workDir, simulatorUrl)
  const gatewayPort = await freePort()
  const gatewayChild = startPinnedNode(
    options.isBaseline ? 'baseline proxy' : 'gateway',
    options.gatewayCore,
    [
      ...options.nodeFlags,
      ...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []),
      options.isBaseline
        ? join(import.meta.dirname, 'baseline-proxy.ts')
        : join(options.repoRoot, 'apps/gateway/src/main.ts'),
    ],
    options.isBaseline
      ? { BASELINE_PORT: String(gatewayPort), BASELINE_UPSTREAM: `${simulatorUrl}/openai/v1` }
      : await gatewayEnv(gatewayPort, secrets, options.workDir),
    join(options.workDir, 'gateway.log'),
  )
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`
  await waitUntilReady(gatewayChild, async () => (await fetch(`${gatewayUrl}/readyz`)).status === 200)
  return {
    simulator,
    gateway: {
      name: 'gateway',
      origin: gatewayUrl,
      path: '/v1/chat/completions',
      headers: { authorization: `Bearer ${secrets.apiKey}` },
    },
    gatewayChild,
    pids: { simulator: simulatorChild.pid, gateway: gatewayChild.pid },
    idleRssKb: (await readMemoryKb(gatewayChild.pid)).rssKb,
  }
}

/** The simulator keys scenarios by model name: the paced model streams one chunk per ms. */
async function pacePacedModel(simulatorUrl: string): Promise<void> {
  const response = await fetch(`${simulatorUrl}/_simulator/scenarios/${PACED_MODEL}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tokensPerSecond: 1_000 }),
  })
  if (!response.ok) throw new Error(`the simulator refused the paced scenario: ${response.status}`)
}

async function gatewayEnv(port: number, secrets: BenchSecrets, workDir: string): Promise<Record<string, string>> {
  return {
    SWITCHYARD_GATEWAY_HOST: '127.0.0.1',
    SWITCHYARD_GATEWAY_PORT: String(port),
    // Nothing listens there: the pod serves from the cached snapshot and retries in the background.
    SWITCHYARD_NATS_URL: `nats://127.0.0.1:${await freePort()}`,
    SWITCHYARD_POD_ID: 'bench',
    SWITCHYARD_KEY_PEPPER: secrets.keyPepper,
    SWITCHYARD_SECRETS_KEYRING: secrets.keyring,
    SWITCHYARD_SNAPSHOT_CACHE: secrets.snapshotPath,
    // With NATS down, usage events go to the on-disk spool: keep it out of the repo, and big
    // enough that no event of the bench is dropped.
    SWITCHYARD_USAGE_SPOOL_DIR: join(workDir, 'usage-spool'),
    SWITCHYARD_USAGE_SPOOL_MAX_BYTES: String(2 * 1024 ** 3),
    SWITCHYARD_LOG_LEVEL: 'warn',
  }
}
