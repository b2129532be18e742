import { readFile, writeFile } from 'node:fs/promises'
import type { LoadResult, ProbeResult } from './load-runs.ts'

export interface MachineInfo {
  readonly cpuCount: number
  readonly cpuModel: string
  readonly kernel: string
  readonly nodeVersion: string
  readonly date: string
}

export interface LoadPair {
  readonly workload: 'non-streaming' | 'streaming'
  readonly connections: number
  readonly run: number
  readonly simulator: LoadResult
  readonly gateway: LoadResult
  /** CPU the gateway used during its run, in % of its one core. */
  readonly gatewayCpuPercent: number
  readonly gatewayCpuUsPerRequest: number
  /** CPU of processes outside the bench during the pair, in % of one core (noise indicator). */
  readonly otherCpuPercent: number
  /** CPU the hypervisor gave to other guests meanwhile, in % of one core (noise we cannot see). */
  readonly stealPercent: number
}

export interface ProbePair {
  readonly measure:
    | 'non-streaming latency, c=1'
    | 'streaming first byte, c=1'
    /** The simulator sends one chunk per ms instead of the whole stream in one write. */
    | 'paced streaming first byte, c=1'
  readonly run: number
  readonly simulator: ProbeResult
  readonly gateway: ProbeResult
}

export interface BenchReport {
  /** What sits in front of the simulator in (b). */
  readonly subject: string
  readonly machine: MachineInfo
  readonly durationS: number
  readonly loads: readonly LoadPair[]
  readonly probes: readonly ProbePair[]
  readonly idleRssMb: number
  readonly peakRssMb: number
  readonly finalRssMb: number
}

export const BEGIN_MARKER = '<!-- bench:begin -->'
export const END_MARKER = '<!-- bench:end -->'

const int = (value: number) => Math.round(value).toLocaleString('en-US')
const ms = (value: number, digits: number) => value.toFixed(digits)
const signedMs = (value: number, digits: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`
const verdict = (isMet: boolean) => (isMet ? '✅ met' : '❌ missed')

export function renderReport(report: BenchReport): string {
  const { machine } = report
  const lines = [
    `Measured ${machine.date} on ${machine.cpuCount} × ${machine.cpuModel}, Linux ${machine.kernel}, Node ${machine.nodeVersion}.`,
    `(b) is ${report.subject}, pinned to core 0; simulator and load generator on core 1. ${report.durationS} s per run, every configuration run twice.`,
    '',
    '### Targets (worst of the runs)',
    '',
    '| target | goal | measured | |',
    '| --- | --- | --- | --- |',
    ...targetRows(report),
    '',
    '### Throughput and latency (autocannon, closed loop)',
    '',
    '(a) simulator directly, (b) through the subject. Latency is per request, from the load generator.',
    '',
    '| workload | conc. | run | (a) req/s | (a) p50 ms | (a) p99 ms | (b) req/s | (b) p50 ms | (b) p99 ms | added p50 | added p99 | gateway CPU | gateway µs/req | other CPU | steal |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.loads.map(
      (pair) =>
        `| ${pair.workload} | ${pair.connections} | ${pair.run} | ${int(pair.simulator.requestsPerS)} | ${ms(pair.simulator.p50Ms, 2)} | ${ms(pair.simulator.p99Ms, 2)} | ${int(pair.gateway.requestsPerS)} | ${ms(pair.gateway.p50Ms, 2)} | ${ms(pair.gateway.p99Ms, 2)} | ${signedMs(pair.gateway.p50Ms - pair.simulator.p50Ms, 2)} | ${signedMs(pair.gateway.p99Ms - pair.simulator.p99Ms, 2)} | ${Math.round(pair.gatewayCpuPercent)} % | ${int(pair.gatewayCpuUsPerRequest)} | ${Math.round(pair.otherCpuPercent)} % | ${Math.round(pair.stealPercent)} % |`,
    ),
    '',
    '"gateway CPU" is the share of its core it used (100 % = the gateway is the bottleneck); "gateway µs/req" is its CPU time per request, so 1,000,000 / µs/req is its capacity on one core; "other CPU" is what processes outside the bench used meanwhile and "steal" what the hypervisor gave to other guests, both in % of one core (noise).',
    '',
    '### Precise probes at concurrency 1 (undici, one keep-alive connection, sequential)',
    '',
    '| measure | run | n | (a) p50 ms | (a) p99 ms | (b) p50 ms | (b) p99 ms | added p50 | added p99 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.probes.map(
      (pair) =>
        `| ${pair.measure} | ${pair.run} | ${int(pair.gateway.count)} | ${ms(pair.simulator.p50Ms, 3)} | ${ms(pair.simulator.p99Ms, 3)} | ${ms(pair.gateway.p50Ms, 3)} | ${ms(pair.gateway.p99Ms, 3)} | ${signedMs(pair.gateway.p50Ms - pair.simulator.p50Ms, 3)} | ${signedMs(pair.gateway.p99Ms - pair.simulator.p99Ms, 3)} |`,
    ),
    '',
    '### Gateway memory',
    '',
    `Idle RSS after start: ${report.idleRssMb.toFixed(1)} MB; peak RSS over the whole bench (VmHWM): ${report.peakRssMb.toFixed(1)} MB; RSS at the end: ${report.finalRssMb.toFixed(1)} MB.`,
  ]
  return lines.join('\n')
}

function targetRows(report: BenchReport): string[] {
  const fullLoad = report.loads.filter((pair) => pair.workload === 'non-streaming' && pair.connections === 64)
  const latency = report.probes.filter((pair) => pair.measure === 'non-streaming latency, c=1')
  const firstByte = report.probes.filter((pair) => pair.measure === 'streaming first byte, c=1')
  const pacedFirstByte = report.probes.filter((pair) => pair.measure === 'paced streaming first byte, c=1')
  const rows: string[] = []
  if (fullLoad.length > 0) {
    const requestsPerS = Math.min(...fullLoad.map((pair) => pair.gateway.requestsPerS))
    const cpu = Math.min(...fullLoad.map((pair) => pair.gatewayCpuPercent))
    const capacity = 1e6 / Math.max(...fullLoad.map((pair) => pair.gatewayCpuUsPerRequest))
    const ceiling = Math.min(...fullLoad.map((pair) => pair.simulator.requestsPerS))
    rows.push(
      `| non-streaming req/s at c=64, one core | ≥ 8,000 | ${int(requestsPerS)} (gateway core at ${Math.round(cpu)} %; CPU-bound capacity ${int(capacity)}; the load core's own ceiling, simulator direct: ${int(ceiling)}) | ${verdict(requestsPerS >= 8_000)} |`,
    )
  }
  if (latency.length > 0) {
    const addedP50 = Math.max(...latency.map((pair) => pair.gateway.p50Ms - pair.simulator.p50Ms))
    const addedP99 = Math.max(...latency.map((pair) => pair.gateway.p99Ms - pair.simulator.p99Ms))
    rows.push(`| added latency p50 at c=1 | ≤ 0.25 ms | ${ms(addedP50, 3)} ms | ${verdict(addedP50 <= 0.25)} |`)
    rows.push(`| added latency p99 at c=1 | ≤ 1 ms | ${ms(addedP99, 3)} ms | ${verdict(addedP99 <= 1)} |`)
  }
  if (firstByte.length > 0) {
    const added = Math.max(...firstByte.map((pair) => pair.gateway.p50Ms - pair.simulator.p50Ms))
    rows.push(`| stream first-byte overhead p50 at c=1 | ≤ 1 ms | ${ms(added, 3)} ms | ${verdict(added <= 1)} |`)
  }
  if (pacedFirstByte.length > 0) {
    const added = Math.max(...pacedFirstByte.map((pair) => pair.gateway.p50Ms - pair.simulator.p50Ms))
    rows.push(`| same, upstream paced at 1 chunk/ms | ≤ 1 ms | ${ms(added, 3)} ms | ${verdict(added <= 1)} |`)
  }
  rows.push(`| gateway peak RSS | ≤ 150 MB | ${report.peakRssMb.toFixed(1)} MB | ${verdict(report.peakRssMb <= 150)} |`)
  return rows
}

/** Replaces what is between the markers of `path`, or appends a marked section if it has none. */
export async function writeReportSection(path: string, section: string): Promise<void> {
  const current = await readFile(path, 'utf8').catch(() => '')
  const begin = current.indexOf(BEGIN_MARKER)
  const end = current.indexOf(END_MARKER)
  const marked = `${BEGIN_MARKER}\n${section}\n${END_MARKER}`
  const next =
    begin !== -1 && end > begin
      ? `${current.slice(0, begin)}${marked}${current.slice(end + END_MARKER.length)}`
      : `${current.trimEnd()}${current === '' ? '' : '\n\n'}${marked}\n`
  await writeFile(path, next)
}
