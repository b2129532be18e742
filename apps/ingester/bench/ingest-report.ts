import type { BenchInsert } from './ingester-process.ts'
import type { IngestRun } from './run-ingester.ts'

export type { IngestRun } from './run-ingester.ts'

export interface PublishRun {
  readonly phases: ReadonlyArray<{ readonly inFlight: number; readonly events: number; readonly eventsPerS: number }>
}

export interface BenchRunResult {
  readonly maxBatch: number
  readonly run: number
  readonly published: PublishRun
  readonly ingest: IngestRun
}

export interface BenchReport {
  readonly eventCount: number
  readonly meanBytes: number
  readonly maxWaitMs: number
  readonly isNoAsyncTraces: boolean
  readonly cpuModel: string
  readonly cores: number
  readonly results: readonly BenchRunResult[]
}

const number = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const percent = (share: number) => `${number(share * 100)} %`

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
}

function insertSummary(inserts: readonly BenchInsert[], ingestS: number) {
  const rows = inserts.map((insert) => insert.rows).sort((a, b) => a - b)
  const durations = inserts.map((insert) => insert.endMs - insert.startMs).sort((a, b) => a - b)
  const insideMs = durations.reduce((sum, ms) => sum + ms, 0)
  return {
    count: inserts.length,
    meanRows: rows.reduce((sum, value) => sum + value, 0) / Math.max(1, rows.length),
    minRows: rows[0] ?? 0,
    p50Rows: quantile(rows, 0.5),
    p50Ms: quantile(durations, 0.5),
    maxMs: durations.at(-1) ?? Number.NaN,
    shareInInsert: insideMs / 1_000 / ingestS,
  }
}

/** The busiest threads of the ingester over the ingest window, in % of one core. */
function busiestThreads(run: IngestRun, top = 4): string {
  return [...run.threadCpuS]
    .filter(([, seconds]) => seconds > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, seconds]) => `${name} ${percent(seconds / run.ingestS)}`)
    .join(', ')
}

/** Prints the report as Markdown, ready for docs/benchmarks.md. */
export function printReport(report: BenchReport): void {
  const out: string[] = []
  out.push(
    `${number(report.eventCount)} events (mean ${number(report.meanBytes)} bytes of JSON), max wait ${report.maxWaitMs} ms${report.isNoAsyncTraces ? ', ingester NATS connection without async traces (experiment)' : ''}, on ${report.cores} × ${report.cpuModel}, Node ${process.version}.`,
    '',
    '| max batch | run | overall events/s | steady events/s (10–90 %) | ingest s | start-up s | inserts | rows per insert: mean / p50 / min | insert ms: p50 / max | wall time in insert | ingester CPU | CPU µs/event | busiest threads | nats-server CPU | other CPU | ingester RSS: start / peak | load avg start → end |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
  )
  for (const { maxBatch, run, ingest } of report.results) {
    const inserts = insertSummary(ingest.result.inserts, ingest.ingestS)
    out.push(
      [
        '',
        number(maxBatch),
        run,
        number(ingest.overallEventsPerS),
        number(ingest.steadyEventsPerS),
        number(ingest.ingestS, 1),
        number(ingest.startupS, 1),
        number(inserts.count),
        `${number(inserts.meanRows)} / ${number(inserts.p50Rows)} / ${number(inserts.minRows)}`,
        `${number(inserts.p50Ms)} / ${number(inserts.maxMs)}`,
        percent(inserts.shareInInsert),
        percent(ingest.ingesterCpuS / ingest.ingestS),
        number((ingest.ingesterCpuS * 1e6) / report.eventCount),
        busiestThreads(ingest),
        percent(ingest.natsCpuS / ingest.ingestS),
        percent(ingest.otherCpuS / ingest.ingestS),
        `${number(ingest.startRssMb)} / ${number(ingest.peakRssMb)} MB`,
        `${number(ingest.loadAverage[0], 1)} → ${number(ingest.loadAverage[1], 1)}`,
        '',
      ]
        .join(' | ')
        .trim(),
    )
  }
  out.push(
    '',
    'CPU is in % of one core over the ingest window (the machine has two); "other CPU" is what processes outside the bench used meanwhile.',
    '',
    '| max batch | run | ' +
      (
        report.results[0]?.published.phases.map((phase) => `publish, ${phase.inFlight} in flight (events/s)`) ?? []
      ).join(' | ') +
      ' |',
    `| ---: | ---: | ${(report.results[0]?.published.phases ?? []).map(() => '---:').join(' | ')} |`,
  )
  for (const { maxBatch, run, published } of report.results) {
    out.push(
      `| ${number(maxBatch)} | ${run} | ${published.phases.map((phase) => `${number(phase.eventsPerS)} (${number(phase.events)} events)`).join(' | ')} |`,
    )
  }
  out.push(
    '',
    `Every run: ClickHouse held ${number(report.eventCount)} events with FINAL and their exact micro-dollars; redeliveries ${report.results.map((result) => result.ingest.redelivered).join(', ')}; raw rows ${report.results.map((result) => number(result.ingest.result.rawRows)).join(', ')}.`,
  )
  console.log(out.join('\n'))
}
