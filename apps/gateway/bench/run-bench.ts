/**
 * `pnpm bench`: the gateway's speed and memory on this machine, against the provider simulator.
 * The gateway runs pinned to core 0; the simulator and this process (the load generator) share
 * core 1, so the gateway's numbers are what one core buys. Flags: `--quick` (3 s runs, smaller
 * probes), `--only=non-streaming|streaming`, `--profile` (gateway under --cpu-prof, summarised at
 * the end), `--baseline` (the minimal proxy of baseline-proxy.ts in the gateway's place, to see
 * the floor on this machine). `BENCH_NODE_FLAGS` adds flags to the gateway's node (for example
 * `--max-semi-space-size=8`). Only a full, flagless run of the gateway rewrites docs/benchmarks.md.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { availableParallelism, cpus, release, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import {
  killAllChildrenNow,
  readCpuSeconds,
  readMachineCpuSeconds,
  readMemoryKb,
  readStealSeconds,
  stopAllChildren,
  stopChild,
  waitForQuietMachine,
} from './bench-processes.ts'
import { type LoadPair, type ProbePair, renderReport, writeReportSection } from './bench-report.ts'
import { BENCH_MODEL, PACED_MODEL } from './bench-snapshot.ts'
import { type Subjects, startSubjects } from './bench-subjects.ts'
import { chatWorkload, probeLatency, runLoad, type Workload } from './load-runs.ts'
import { printProfileSummary } from './summarize-cpu-profile.ts'

const GATEWAY_CORE = 0
const LOAD_CORE = 1
const CONCURRENCIES = [1, 16, 64] as const
const RUNS = 2
const repoRoot = resolve(import.meta.dirname, '../../..')
const args = new Set(process.argv.slice(2))
const isQuick = args.has('--quick')
const isProfiling = args.has('--profile')
const isBaseline = args.has('--baseline')
const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== '')
const only = [...args].find((arg) => arg.startsWith('--only='))?.slice('--only='.length)
const durationS = isQuick ? 3 : Number(process.env.BENCH_DURATION_S ?? 10)
const latencyProbeCount = isQuick ? 1_000 : 5_000
const firstByteProbeCount = isQuick ? 500 : 2_000
/** Paced streams last ~19 ms each (one chunk per ms), so fewer of them. */
const pacedFirstByteProbeCount = isQuick ? 200 : 500

const nonStreaming = chatWorkload(BENCH_MODEL, false)
const streaming = chatWorkload(BENCH_MODEL, true)
const pacedStreaming = chatWorkload(PACED_MODEL, true)
const workloads = [nonStreaming, streaming].filter((workload) => only === undefined || workload.name === only)

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
  if (workloads.length === 0) throw new Error(`--only must be non-streaming or streaming, not ${only}`)
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
    const subjects = await startSubjects({
      repoRoot,
      workDir,
      gatewayCore: GATEWAY_CORE,
      loadCore: LOAD_CORE,
      isBaseline,
      nodeFlags,
      profileDir,
    })
    await benchmark(subjects)
    // Stopped before the profile is read: the gateway writes it on exit.
    await stopChild(subjects.gatewayChild)
  } finally {
    await stopAllChildren()
    await rm(workDir, { recursive: true, force: true })
  }
  if (profileDir) await summarizeProfiles(profileDir)
}

async function benchmark(subjects: Subjects): Promise<void> {
  log(`warming up (simulator ${subjects.simulator.origin}, subject ${subjects.gateway.origin})`)
  for (const workload of workloads) {
    for (const target of [subjects.simulator, subjects.gateway]) {
      await runLoad(target, workload, 16, isQuick ? 1 : 3)
      await probeLatency(target, workload, 500, 'end')
    }
  }
  const loads: LoadPair[] = []
  const probes: ProbePair[] = []
  for (let run = 1; run <= RUNS; run += 1) {
    for (const workload of workloads) {
      for (const connections of CONCURRENCIES) {
        const pair = await measureLoadPair(subjects, workload, connections, run)
        loads.push(pair)
        log(
          `${workload.name} c=${connections} run ${run}: simulator ${Math.round(pair.simulator.requestsPerS)} req/s, subject ${Math.round(pair.gateway.requestsPerS)} req/s (core ${Math.round(pair.gatewayCpuPercent)} %), added p50 ${(pair.gateway.p50Ms - pair.simulator.p50Ms).toFixed(2)} ms`,
        )
      }
    }
    probes.push(...(await measureProbes(subjects, run)))
    log(`precise probes run ${run} done`)
  }
  const finalMemory = await readMemoryKb(subjects.pids.gateway)
  const report = renderReport({
    subject: `${isBaseline ? 'the baseline proxy (apps/gateway/bench/baseline-proxy.ts), not the gateway' : 'the gateway'}${nodeFlags.length > 0 ? ` with node ${nodeFlags.join(' ')}` : ''}`,
    machine: {
      cpuCount: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
      kernel: release(),
      nodeVersion: process.version,
      date: new Date().toISOString().slice(0, 10),
    },
    durationS,
    loads,
    probes,
    idleRssMb: subjects.idleRssKb / 1024,
    peakRssMb: finalMemory.peakRssKb / 1024,
    finalRssMb: finalMemory.rssKb / 1024,
  })
  console.log(`\n${report}\n`)
  if (isQuick || isProfiling || isBaseline || only !== undefined || nodeFlags.length > 0) {
    log('partial run (--quick, --only, --profile, --baseline or BENCH_NODE_FLAGS): docs/benchmarks.md left as it is')
  } else {
    await writeReportSection(join(repoRoot, 'docs/benchmarks.md'), report)
    log('wrote docs/benchmarks.md')
  }
}

/** (a) then (b) under the same load, with the CPU each side and everyone else used meanwhile. */
async function measureLoadPair(
  { simulator: simulatorTarget, gateway: gatewayTarget, pids }: Subjects,
  workload: Workload,
  connections: number,
  run: number,
): Promise<LoadPair> {
  const ownCpuS = async () =>
    (await readCpuSeconds(process.pid)) + (await readCpuSeconds(pids.simulator)) + (await readCpuSeconds(pids.gateway))
  await waitForQuiet(pids)
  const machineBefore = await readMachineCpuSeconds()
  const stealBefore = await readStealSeconds()
  const ownBefore = await ownCpuS()
  const startedAt = performance.now()
  const simulator = await runLoad(simulatorTarget, workload, connections, durationS)
  const gatewayBefore = await readCpuSeconds(pids.gateway)
  const gatewayStartedAt = performance.now()
  const gateway = await runLoad(gatewayTarget, workload, connections, durationS)
  const gatewayElapsedS = (performance.now() - gatewayStartedAt) / 1000
  const gatewayCpuS = (await readCpuSeconds(pids.gateway)) - gatewayBefore
  const elapsedS = (performance.now() - startedAt) / 1000
  const otherCpuS = (await readMachineCpuSeconds()) - machineBefore - ((await ownCpuS()) - ownBefore)
  const stealS = (await readStealSeconds()) - stealBefore
  return {
    workload: workload.name,
    connections,
    run,
    simulator,
    gateway,
    gatewayCpuPercent: (gatewayCpuS / gatewayElapsedS) * 100,
    gatewayCpuUsPerRequest: (gatewayCpuS * 1e6) / gateway.completed,
    otherCpuPercent: Math.max(0, (otherCpuS / elapsedS) * 100),
    stealPercent: (stealS / elapsedS) * 100,
  }
}

async function measureProbes(subjects: Subjects, run: number): Promise<ProbePair[]> {
  const probe = async (
    measure: ProbePair['measure'],
    workload: Workload,
    count: number,
    until: 'end' | 'first-chunk',
  ): Promise<ProbePair> => ({
    measure,
    run,
    simulator: await probeLatency(subjects.simulator, workload, count, until),
    gateway: await probeLatency(subjects.gateway, workload, count, until),
  })
  await waitForQuiet(subjects.pids)
  const pairs: ProbePair[] = []
  if (workloads.includes(nonStreaming)) {
    pairs.push(await probe('non-streaming latency, c=1', nonStreaming, latencyProbeCount, 'end'))
  }
  if (workloads.includes(streaming)) {
    pairs.push(await probe('streaming first byte, c=1', streaming, firstByteProbeCount, 'first-chunk'))
    pairs.push(await probe('paced streaming first byte, c=1', pacedStreaming, pacedFirstByteProbeCount, 'first-chunk'))
  }
  return pairs
}

async function summarizeProfiles(profileDir: string): Promise<void> {
  const files = (await readdir(profileDir)).filter((file) => file.endsWith('.cpuprofile'))
  if (files.length === 0) throw new Error(`no .cpuprofile written to ${profileDir}`)
  for (const file of files) await printProfileSummary(join(profileDir, file))
  log(`profiles kept in ${profileDir} (do not commit them)`)
}

/** Other engineers' builds and benches share this machine: measure when they pause, if they do. */
async function waitForQuiet(pids: Subjects['pids']): Promise<void> {
  const otherPercent = await waitForQuietMachine([process.pid, pids.simulator, pids.gateway])
  if (otherPercent >= 15) {
    log(`machine still busy (${Math.round(otherPercent)} % of a core used by others): measuring anyway`)
  }
}

function log(message: string): void {
  console.error(`[bench] ${message}`)
}
