import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { repoRoot } from './bench-children.ts'

export interface EnforcementSample {
  readonly revision: number
  /** The real `publishSnapshot` (read, compile, serialise, record, publish), as the API would call it. */
  readonly publishSnapshotMs: number
  /** From the UPDATE's commit to the gateway's first 401 `api_key_revoked` for that key. */
  readonly changeToGatewayRejectsMs: number
  /** From `publishSnapshot` resolving (the API returning after it) to that 401. */
  readonly publishReturnToGatewayRejectsMs: number
  /** From the commit to the probe pod having applied the revision (key seen as revoked). */
  readonly changeToProbeAppliedMs: number
}

export interface Round {
  readonly controlPlane: {
    readonly revision: number
    readonly sizeBytes: number
    readonly readMs: number
    readonly compileMs: number
    readonly schemaOnlyMs: number
    readonly serialiseMs: number
    readonly checksumMs: number
    readonly transactionMs: number
    readonly publishMs: number
    readonly totalMs: number
    /** Wall clock when the publish resolved: the pods' receive time is measured from it. */
    readonly publishReturnedAtMs: number
  }
  readonly probe: { readonly applied: Record<string, unknown>; readonly memory: Record<string, unknown> }
  readonly gateway: {
    readonly applied: Record<string, unknown>
    readonly rssBytes: number
    readonly peakRssBytes: number
  }
  readonly samples: readonly EnforcementSample[]
}

export interface BenchResult {
  readonly date: string
  readonly machine: string
  readonly counts: Record<string, number>
  readonly seedMs: number
  readonly probeBaseline: Record<string, unknown>
  readonly gatewayIdle: { readonly rssBytes: number; readonly peakRssBytes: number }
  readonly rounds: readonly Round[]
}

const BEGIN = '<!-- snapshot-bench:begin -->'
const END = '<!-- snapshot-bench:end -->'
const n = (value: unknown, digits = 0) =>
  Number(value).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const mb = (bytes: unknown) => `${n(Number(bytes) / 1e6, 1)} MB`
const max = (values: number[]) => Math.max(...values)

export function renderReport(result: BenchResult): string {
  const samples = result.rounds.flatMap((round) => round.samples)
  const worstChange = max(samples.map((s) => s.changeToGatewayRejectsMs))
  const worstReturn = max(samples.map((s) => s.publishReturnToGatewayRejectsMs))
  const worstHeld = max(result.rounds.map((r) => Number(r.probe.memory.rssBytes)))
  const worstGatewayPeak = max(result.rounds.map((r) => r.gateway.peakRssBytes))
  const worstProbePeak = max(result.rounds.map((r) => Number(r.probe.memory.peakRssBytes)))
  const size = result.rounds[0]?.controlPlane.sizeBytes ?? 0
  const mark = (ok: boolean) => (ok ? '✅ met' : '❌ missed')
  const lines = [
    `Measured ${result.date} on ${result.machine}. State: ${Object.entries(result.counts)
      .map(([section, count]) => `${n(count)} ${section}`)
      .join(', ')} (seeded in ${n(result.seedMs / 1000, 1)} s); snapshot body ${mb(size)}.`,
    `${result.rounds.length} rounds; each publishes once phase by phase, then revokes ${result.rounds[0]?.samples.length ?? 0} keys one at a time.`,
    '',
    '#### Targets (worst of the runs)',
    '',
    '| target | goal | measured | |',
    '| --- | --- | --- | --- |',
    `| change → enforced on the pod (UPDATE committed → gateway answers 401 \`api_key_revoked\`) | ≤ 1 s | ${n(worstChange)} ms | ${mark(worstChange <= 1_000)} |`,
    `| same, from \`publishSnapshot\` returning | ≤ 1 s | ${n(worstReturn)} ms | ${mark(worstReturn <= 1_000)} |`,
    `| pod memory holding the policy (probe RSS after GC, snapshot + runtime form alive) | < 200 MB | ${mb(worstHeld)} | ${mark(worstHeld < 200e6)} |`,
    `| pod peak RSS while applying (probe / real gateway, VmHWM) | < 200 MB | ${mb(worstProbePeak)} / ${mb(worstGatewayPeak)} | ${mark(max([worstProbePeak, worstGatewayPeak]) < 200e6)} |`,
    '',
    '#### Control plane (one publish, phase by phase)',
    '',
    '| round | read state (Postgres) | compile (incl. schema) | of which the schema alone | serialise | sha256 | transaction total | publish to NATS (object store + pointer) | total |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...result.rounds.map((round, i) => {
      const c = round.controlPlane
      return `| ${i + 1} | ${n(c.readMs)} ms | ${n(c.compileMs)} ms | ${n(c.schemaOnlyMs)} ms | ${n(c.serialiseMs)} ms | ${n(c.checksumMs)} ms | ${n(c.transactionMs)} ms | ${n(c.publishMs)} ms | ${n(c.totalMs)} ms |`
    }),
    '',
    '#### Gateway pod (applying that publish)',
    '',
    '| round | pod | receive + verify (publish returned → body checked) | parse | schema | runtime form | apply total |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: |',
    ...result.rounds.flatMap((round, i) => {
      const probe = round.probe.applied
      const gateway = round.gateway.applied
      const applyMs = (t: Record<string, unknown>) => Number(t.parseMs) + Number(t.validateMs) + Number(t.compileMs)
      return [
        `| ${i + 1} | probe | ${n(Number(probe.receivedAtMs) - round.controlPlane.publishReturnedAtMs)} ms | ${n(probe.parseMs)} ms | ${n(probe.validateMs)} ms | ${n(probe.compileMs)} ms | ${n(applyMs(probe))} ms |`,
        `| ${i + 1} | gateway | – | ${n(gateway.parseMs)} ms | ${n(gateway.validateMs)} ms | ${n(gateway.compileMs)} ms | ${n(applyMs(gateway))} ms |`,
      ]
    }),
    '',
    '#### Pod memory',
    '',
    '| round | probe RSS before → after (GC) | probe heap used before → after | probe peak RSS | gateway RSS idle → after | gateway peak RSS |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...result.rounds.map((round, i) => {
      const before = result.probeBaseline
      const after = round.probe.memory
      return `| ${i + 1} | ${mb(before.rssBytes)} → ${mb(after.rssBytes)} | ${mb(before.heapUsedBytes)} → ${mb(after.heapUsedBytes)} | ${mb(after.peakRssBytes)} | ${mb(result.gatewayIdle.rssBytes)} → ${mb(round.gateway.rssBytes)} | ${mb(round.gateway.peakRssBytes)} |`
    }),
    '',
    '#### Change → enforced (one key revoked, then `publishSnapshot`)',
    '',
    '| round | revision | `publishSnapshot` | commit → probe applied | commit → gateway rejects | publish returned → gateway rejects |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...result.rounds.flatMap((round, i) =>
      round.samples.map(
        (s) =>
          `| ${i + 1} | ${s.revision} | ${n(s.publishSnapshotMs)} ms | ${n(s.changeToProbeAppliedMs)} ms | ${n(s.changeToGatewayRejectsMs)} ms | ${n(s.publishReturnToGatewayRejectsMs)} ms |`,
      ),
    ),
  ]
  return lines.join('\n')
}

export async function writeReport(report: string): Promise<void> {
  const path = join(repoRoot, 'docs/benchmarks.md')
  const text = await readFile(path, 'utf8')
  const begin = text.indexOf(BEGIN)
  const end = text.indexOf(END)
  if (begin < 0 || end < begin) throw new Error(`docs/benchmarks.md has no ${BEGIN} … ${END} section`)
  await writeFile(path, `${text.slice(0, begin + BEGIN.length)}\n${report}\n${text.slice(end)}`)
}
