import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import type { BenchIngesterResult } from './ingester-process.ts'
import { openJetStreamProbe } from './jetstream-consumer-probe.ts'
import { loadAverage1m, machineCpu, processCpuSeconds, processMemoryMb, threadCpuSeconds } from './proc-stats.ts'

const ingesterEntry = new URL('./ingester-process.ts', import.meta.url).pathname
const SAMPLE_EVERY_MS = 100

export interface RunIngesterOptions {
  readonly natsUrl: string
  readonly natsPid: number | undefined
  readonly chdbPath: string
  readonly eventCount: number
  readonly maxBatch: number
  readonly maxWaitMs: number
  /** Run the ingester under `--cpu-prof`, writing here. */
  readonly profileDir: string | undefined
  readonly stream: string
  readonly consumer: string
  /** The experiment of `ingester-process.ts`: no async stack traces on its NATS connection. */
  readonly isNoAsyncTraces: boolean
}

export interface IngestRun {
  /** Process start → usage store migrated (chDB opened, migrations checked). */
  readonly startupS: number
  /** Usage store migrated → the consumer owes nothing. */
  readonly ingestS: number
  readonly overallEventsPerS: number
  /** Between 10 % and 90 % of the events acked. */
  readonly steadyEventsPerS: number
  /** CPU seconds over `ingestS`. */
  readonly ingesterCpuS: number
  readonly threadCpuS: ReadonlyMap<string, number>
  readonly natsCpuS: number
  /** What the rest of the machine used meanwhile (all cores, minus ingester, nats-server and this bench). */
  readonly otherCpuS: number
  readonly stealS: number
  /** After start-up, before the first event. */
  readonly startRssMb: number
  readonly peakRssMb: number
  readonly loadAverage: readonly [number, number]
  readonly redelivered: number
  readonly result: BenchIngesterResult
}

interface Sample {
  readonly atMs: number
  readonly acked: number
}

/** When `acked` first reached `target`, interpolated between the samples around it. */
function crossingMs(samples: readonly Sample[], target: number): number {
  for (let index = 1; index < samples.length; index += 1) {
    const after = samples[index] as Sample
    if (after.acked < target) continue
    const before = samples[index - 1] as Sample
    if (after.acked === before.acked) return after.atMs
    return before.atMs + ((target - before.acked) / (after.acked - before.acked)) * (after.atMs - before.atMs)
  }
  throw new Error(`never reached ${target} acked events`)
}

function diffThreads(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const diff = new Map<string, number>()
  for (const [name, seconds] of after) diff.set(name, seconds - (before.get(name) ?? 0))
  return diff
}

/** Starts the ingester process, waits until the consumer owes nothing, stops it and reads its result. */
export async function runIngester(options: RunIngesterOptions): Promise<IngestRun> {
  const nodeArgs = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []
  const spawnedMs = performance.now()
  const child = spawn(process.execPath, [...nodeArgs, ingesterEntry], {
    env: {
      ...process.env,
      SWITCHYARD_NATS_URL: options.natsUrl,
      SWITCHYARD_CLICKHOUSE_PATH: options.chdbPath,
      SWITCHYARD_INGESTER_HOST: '127.0.0.1',
      SWITCHYARD_INGESTER_PORT: '0',
      SWITCHYARD_INGEST_MAX_BATCH: String(options.maxBatch),
      SWITCHYARD_INGEST_MAX_WAIT_MS: String(options.maxWaitMs),
      SWITCHYARD_LOG_LEVEL: 'info',
      BENCH_INGEST_NO_ASYNC_TRACES: options.isNoAsyncTraces ? '1' : '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const pid = child.pid
  if (pid === undefined) throw new Error('could not start the ingester')
  const lines: string[] = []
  // Set by the output handler; objects, so that the control flow below does not narrow them to null.
  const seen: { migratedMs: number | null; result: BenchIngesterResult | null } = { migratedMs: null, result: null }
  let partial = ''
  const collect = (chunk: Buffer) => {
    partial += chunk.toString()
    const complete = partial.split('\n')
    partial = complete.pop() ?? ''
    for (const line of complete) {
      lines.push(line)
      if (seen.migratedMs === null && line.includes('"usage store migrated"')) seen.migratedMs = performance.now()
      if (line.includes('"bench ingester result"'))
        seen.result = (JSON.parse(line) as { result: BenchIngesterResult }).result
    }
  }
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const failIfExited = () => {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the ingester exited:\n${lines.slice(-20).join('\n')}`)
  }

  while (seen.migratedMs === null) {
    failIfExited()
    await sleep(5)
  }
  const startMs = seen.migratedMs
  const startRssMb = processMemoryMb(pid).rssMb
  const cpuAtStart = processCpuSeconds(pid)
  const threadsAtStart = threadCpuSeconds(pid)
  const natsCpuAtStart = options.natsPid ? processCpuSeconds(options.natsPid) : 0
  const machineAtStart = machineCpu()
  const benchCpuAtStart = process.cpuUsage()
  const loadAtStart = loadAverage1m()
  const probe = await openJetStreamProbe(options.natsUrl)
  const samples: Sample[] = [{ atMs: startMs, acked: 0 }]
  let redelivered = 0
  try {
    for (;;) {
      failIfExited()
      const state = await probe.readConsumer(options.stream, options.consumer)
      const atMs = performance.now()
      if (state !== null) {
        const acked = state.deliveredStreamSeq - state.ackPending
        samples.push({ atMs, acked })
        redelivered = state.redelivered
        if (state.pending === 0 && state.ackPending === 0 && acked >= options.eventCount) break
      }
      await sleep(SAMPLE_EVERY_MS)
    }
  } finally {
    probe.close()
  }
  const endMs = (samples.at(-1) as Sample).atMs
  const ingesterCpuS = processCpuSeconds(pid) - cpuAtStart
  const threadCpuS = diffThreads(threadsAtStart, threadCpuSeconds(pid))
  const natsCpuS = options.natsPid ? processCpuSeconds(options.natsPid) - natsCpuAtStart : 0
  const machineAtEnd = machineCpu()
  const benchCpu = process.cpuUsage(benchCpuAtStart)
  const { peakRssMb } = processMemoryMb(pid)
  const loadAtEnd = loadAverage1m()

  child.kill('SIGTERM')
  await exited
  const { result } = seen
  if (result === null) throw new Error(`the ingester printed no result:\n${lines.slice(-20).join('\n')}`)
  const ingestS = (endMs - startMs) / 1_000
  const tenth = crossingMs(samples, options.eventCount * 0.1)
  const ninetieth = crossingMs(samples, options.eventCount * 0.9)
  const machineBusyS = machineAtEnd.busyS - machineAtStart.busyS
  return {
    startupS: (startMs - spawnedMs) / 1_000,
    ingestS,
    overallEventsPerS: options.eventCount / ingestS,
    steadyEventsPerS: (options.eventCount * 0.8) / ((ninetieth - tenth) / 1_000),
    ingesterCpuS,
    threadCpuS,
    natsCpuS,
    otherCpuS: Math.max(0, machineBusyS - ingesterCpuS - natsCpuS - (benchCpu.user + benchCpu.system) / 1e6),
    stealS: machineAtEnd.stealS - machineAtStart.stealS,
    startRssMb,
    peakRssMb,
    loadAverage: [loadAtStart, loadAtEnd],
    redelivered,
    result,
  }
}
