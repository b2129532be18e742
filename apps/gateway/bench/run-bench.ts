/**
 * `pnpm bench`: the gateway's speed and memory on this machine, against the provider simulator.
 * The gateway runs pinned to core 0; the simulator and this process (the load generator) share
 * core 1, so the gateway's numbers are what one core buys. Flags: `--quick` (3 s runs, smaller
 * probes), `--only=non-streaming|streaming`, `--profile` (gateway under --cpu-prof, summarised at
 * the end). Only a full run rewrites docs/benchmarks.md.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { availableParallelism, cpus, release, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import {
  freePort,
  killAllChildrenNow,
  readCpuSeconds,
  readMachineCpuSeconds,
  readMemoryKb,
  startPinnedNode,
  stopAllChildren,
  stopChild,
  waitUntilReady,
} from './bench-processes.ts'
import { type LoadPair, type ProbePair, renderReport, writeReportSection } from './bench-report.ts'
import { BENCH_MODEL, writeBenchSnapshot } from './bench-snapshot.ts'
import { chatWorkload, type LoadTarget, probeLatency, runLoad, type Workload } from './load-runs.ts'
import { printProfileSummary } from './summarize-cpu-profile.ts'

const GATEWAY_CORE = 0
const LOAD_CORE = 1
const CONCURRENCIES = [1, 16, 64] as const
const RUNS = 2
const repoRoot = resolve(import.meta.dirname, '../../..')
const args = new Set(process.argv.slice(2))
const isQuick = args.has('--quick')
const isProfiling = args.has('--profile')
const only = [...args].find((arg) => arg.startsWith('--only='))?.slice('--only='.length)
const durationS = isQuick ? 3 : Number(process.env.BENCH_DURATION_S ?? 10)
const latencyProbeCount = isQuick ? 1_000 : 5_000
const firstByteProbeCount = isQuick ? 500 : 2_000

if (process.env.SWITCHYARD_BENCH_PINNED !== '1') await reexecPinned()
else await main()

/** Runs this script again under `taskset -c 1`, so the load generator never competes with the gateway. */
async function reexecPinned(): Promise<void> {
  if (cpus().length < 2) throw new Error('the bench needs at least 2 cores (gateway on one, load on another)')
  const child = spawn(
    '/usr/bin/taskset',
    ['-c', String(LOAD_CORE), process.execPath, ...process.execArgv, import.meta.filename, ...process.argv.slice(2)],
    { stdio: 'inherit', env: { ...process.env, SWITCHYARD_BENCH_PINNED: '1' } },
  )
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
  const code = await new Promise<number>((resolveCode) => child.once('exit', (exitCode) => resolveCode(exitCode ?? 1)))
  process.exit(code)
}

async function main(): Promise<void> {
  if (!Number.isFinite(durationS) || durationS < 1) throw new Error('BENCH_DURATION_S must be a number ≥ 1')
  if (availableParallelism() !== 1) throw new Error('expected to run pinned to one core')
  process.on('exit', killAllChildrenNow)
  let isStopping = false
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (isStopping) return
      isStopping = true
      console.error(`\n${signal}: stopping the simulator and the gateway`)
      void stopAllChildren().finally(() => process.exit(130))
    })
  }
  const workDir = await mkdtemp(join(tmpdir(), 'switchyard-bench-'))
  const profileDir = isProfiling ? await mkdtemp(join(tmpdir(), 'switchyard-bench-prof-')) : undefined
  try {
    await benchmark(workDir, profileDir)
  } finally {
    await stopAllChildren()
    await rm(workDir, { recursive: true, force: true })
  }
  if (profileDir) await summarizeProfiles(profileDir)
}

async function benchmark(workDir: string, profileDir: string | undefined): Promise<void> {
  const simulatorPort = await freePort()
  const simulatorUrl = `http://127.0.0.1:${simulatorPort}`
  const simulator = startPinnedNode(
    'simulator',
    LOAD_CORE,
    [join(repoRoot, 'packages/simulator/src/main.ts')],
    { SIMULATOR_HOST: '127.0.0.1', SIMULATOR_PORT: String(simulatorPort) },
    join(workDir, 'simulator.log'),
  )
  const simulatorTarget: LoadTarget = {
    name: 'simulator',
    origin: simulatorUrl,
    path: '/openai/v1/chat/completions',
    headers: { authorization: 'Bearer sk-simulator-direct' },
  }
  const nonStreaming = chatWorkload(BENCH_MODEL, false)
  await waitUntilReady(simulator, async () => (await probeLatency(simulatorTarget, nonStreaming, 1, 'end')).count === 1)

  const secrets = await writeBenchSnapshot(workDir, simulatorUrl)
  const gatewayPort = await freePort()
  const gateway = startPinnedNode(
    'gateway',
    GATEWAY_CORE,
    [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), join(repoRoot, 'apps/gateway/src/main.ts')],
    {
      SWITCHYARD_GATEWAY_HOST: '127.0.0.1',
      SWITCHYARD_GATEWAY_PORT: String(gatewayPort),
      // Nothing listens there: the pod serves from the cached snapshot and retries in the background.
      SWITCHYARD_NATS_URL: `nats://127.0.0.1:${await freePort()}`,
      SWITCHYARD_POD_ID: 'bench',
      SWITCHYARD_KEY_PEPPER: secrets.keyPepper,
      SWITCHYARD_SECRETS_KEYRING: secrets.keyring,
      SWITCHYARD_SNAPSHOT_CACHE: secrets.snapshotPath,
      SWITCHYARD_LOG_LEVEL: 'warn',
    },
    join(workDir, 'gateway.log'),
  )
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`
  await waitUntilReady(gateway, async () => (await fetch(`${gatewayUrl}/readyz`)).status === 200)
  const idleRssKb = (await readMemoryKb(gateway.pid)).rssKb
  const gatewayTarget: LoadTarget = {
    name: 'gateway',
    origin: gatewayUrl,
    path: '/v1/chat/completions',
    headers: { authorization: `Bearer ${secrets.apiKey}` },
  }

  const streaming = chatWorkload(BENCH_MODEL, true)
  const workloads = [nonStreaming, streaming].filter((workload) => only === undefined || workload.name === only)
  if (workloads.length === 0) throw new Error(`--only must be non-streaming or streaming, not ${only}`)
  const targets = { simulator: simulatorTarget, gateway: gatewayTarget }
  const pids = { simulator: simulator.pid, gateway: gateway.pid }

  log(`warming up (simulator ${simulatorUrl}, gateway ${gatewayUrl})`)
  for (const workload of workloads) {
    for (const target of [simulatorTarget, gatewayTarget]) {
      await runLoad(target, workload, 16, isQuick ? 1 : 3)
      await probeLatency(target, workload, 500, 'end')
    }
  }

  const loads: LoadPair[] = []
  const probes: ProbePair[] = []
  for (let run = 1; run <= RUNS; run += 1) {
    for (const workload of workloads) {
      for (const connections of CONCURRENCIES) {
        const pair = await measureLoadPair(targets, pids, workload, connections, run)
        loads.push(pair)
        log(
          `${workload.name} c=${connections} run ${run}: simulator ${Math.round(pair.simulator.requestsPerS)} req/s, gateway ${Math.round(pair.gateway.requestsPerS)} req/s (core ${Math.round(pair.gatewayCpuPercent)} %), p50 +${(pair.gateway.p50Ms - pair.simulator.p50Ms).toFixed(2)} ms`,
        )
      }
    }
    if (workloads.includes(nonStreaming)) {
      const simulatorProbe = await probeLatency(simulatorTarget, nonStreaming, latencyProbeCount, 'end')
      const gatewayProbe = await probeLatency(gatewayTarget, nonStreaming, latencyProbeCount, 'end')
      probes.push({ measure: 'non-streaming latency, c=1', run, simulator: simulatorProbe, gateway: gatewayProbe })
    }
    if (workloads.includes(streaming)) {
      const simulatorProbe = await probeLatency(simulatorTarget, streaming, firstByteProbeCount, 'first-chunk')
      const gatewayProbe = await probeLatency(gatewayTarget, streaming, firstByteProbeCount, 'first-chunk')
      probes.push({ measure: 'streaming first byte, c=1', run, simulator: simulatorProbe, gateway: gatewayProbe })
    }
    log(`precise probes run ${run} done`)
  }

  const peakRssKb = (await readMemoryKb(gateway.pid)).peakRssKb
  const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU'
  const report = renderReport({
    machine: {
      cpuCount: cpus().length,
      cpuModel,
      kernel: release(),
      nodeVersion: process.version,
      date: new Date().toISOString().slice(0, 10),
    },
    durationS,
    loads,
    probes,
    idleRssMb: idleRssKb / 1024,
    peakRssMb: peakRssKb / 1024,
  })
  console.log(`\n${report}\n`)
  if (isQuick || isProfiling || only !== undefined) {
    log('partial run (--quick, --only or --profile): docs/benchmarks.md left as it is')
  } else {
    await writeReportSection(join(repoRoot, 'docs/benchmarks.md'), report)
    log('wrote docs/benchmarks.md')
  }
  await stopChild(gateway)
}

async function measureLoadPair(
  targets: Readonly<Record<'simulator' | 'gateway', LoadTarget>>,
  pids: Readonly<Record<'simulator' | 'gateway', number>>,
  workload: Workload,
  connections: number,
  run: number,
): Promise<LoadPair> {
  const ownCpuS = async () =>
    (await readCpuSeconds(process.pid)) + (await readCpuSeconds(pids.simulator)) + (await readCpuSeconds(pids.gateway))
  const machineBefore = await readMachineCpuSeconds()
  const ownBefore = await ownCpuS()
  const startedAt = performance.now()
  const simulator = await runLoad(targets.simulator, workload, connections, durationS)
  const gatewayBefore = await readCpuSeconds(pids.gateway)
  const gateway = await runLoad(targets.gateway, workload, connections, durationS)
  const gatewayCpuS = (await readCpuSeconds(pids.gateway)) - gatewayBefore
  const elapsedS = (performance.now() - startedAt) / 1000
  const otherCpuS = (await readMachineCpuSeconds()) - machineBefore - ((await ownCpuS()) - ownBefore)
  return {
    workload: workload.name,
    connections,
    run,
    simulator,
    gateway,
    gatewayCpuPercent: (gatewayCpuS / durationS) * 100,
    gatewayCpuUsPerRequest: (gatewayCpuS * 1e6) / gateway.completed,
    otherCpuPercent: Math.max(0, (otherCpuS / elapsedS) * 100),
  }
}

async function summarizeProfiles(profileDir: string): Promise<void> {
  const files = (await readdir(profileDir)).filter((file) => file.endsWith('.cpuprofile'))
  if (files.length === 0) throw new Error(`no .cpuprofile written to ${profileDir}`)
  for (const file of files) await printProfileSummary(join(profileDir, file))
  log(`profiles kept in ${profileDir} (do not commit them)`)
}

function log(message: string): void {
  console.error(`[bench] ${message}`)
}
