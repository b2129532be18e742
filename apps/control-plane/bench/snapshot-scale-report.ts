import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { repoRoot } from './bench-children.ts'

/** One key revoked through the admin API, carried to the pods by a key overlay. */
export interface RevocationSample {
  /** The overlay that carried the revocation, and the policy snapshot it is laid on. */
  readonly revision: number
  readonly baseRevision: number
  /** Keys in the overlay (cumulative since its base) and its body's size. */
  readonly overlayKeys: number
  readonly overlaySizeBytes: number
  /** The `POST /api/keys/{id}/revoke` call, request to answer. */
  readonly apiMs: number
  /** From the API's answer to the control plane logging the overlay published (ms resolution). */
  readonly answerToPublishedMs: number
  readonly answerToProbeAppliedMs: number
  /** From the API's answer to the gateway's first 401 `api_key_revoked` for that key. */
  readonly answerToGatewayRejectsMs: number
  /** Laying the overlay on the base (copying the base's key map), as each pod timed it. */
  readonly probeApplyMs: number
  readonly gatewayApplyMs: number
  /** The probe's memory after a GC, with the policy and this overlay alive. */
  readonly probeMemory: Record<string, unknown>
}

/** A team's allow-list changed through the admin API: a whole policy snapshot. */
export interface PolicyChangeSample {
  readonly revision: number
  readonly sizeBytes: number
  readonly apiMs: number
  readonly answerToPublishedMs: number
  readonly answerToProbeAppliedMs: number
  /** From the API's answer to the gateway listing only the model left on the team's list. */
  readonly answerToGatewayEnforcesMs: number
  readonly gatewayApplied: Record<string, unknown>
}

interface ProcessMemory {
  readonly rssBytes: number
  readonly peakRssBytes: number
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
    readonly afterPolicy: ProcessMemory
    readonly afterOverlay: ProcessMemory
  }
  readonly revocations: readonly RevocationSample[]
  readonly teamChange: PolicyChangeSample
}

export interface BenchResult {
  readonly date: string
  readonly machine: string
  /** Load average (1, 5, 15 min) when the bench started and when it ended. */
  readonly load: { readonly start: readonly number[]; readonly end: readonly number[] }
  /** Variables both pods ran with besides the bench's own (V8 or malloc settings), if any. */
  readonly podEnv?: string
  readonly counts: Record<string, number>
  readonly seedMs: number
  /** `publishKeyOverlay`'s query for the changed keys, timed alone after the rounds. */
  readonly overlayQueryMs: readonly number[]
  readonly probeBaseline: Record<string, unknown>
  readonly gatewayIdle: ProcessMemory
  readonly rounds: readonly Round[]
}

const BEGIN = '<!-- snapshot-bench:begin -->'
const END = '<!-- snapshot-bench:end -->'
const n = (value: unknown, digits = 0) =>
  Number(value).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const mb = (bytes: unknown) => `${n(Number(bytes) / 1e6, 1)} MB`
const max = (values: number[]) => Math.max(...values)
const applyMs = (t: Record<string, unknown>) => Number(t.parseMs) + Number(t.validateMs) + Number(t.compileMs)

export function renderReport(result: BenchResult): string {
  const revocations = result.rounds.flatMap((round) => round.revocations)
  const teamChanges = result.rounds.map((round) => round.teamChange)
  const worstRevoke = max(revocations.map((s) => s.answerToGatewayRejectsMs))
  const worstPolicy = max(teamChanges.map((s) => s.answerToGatewayEnforcesMs))
  const worstHeld = max(revocations.map((s) => Number(s.probeMemory.rssBytes)))
  const worstGatewayPeak = max(result.rounds.map((r) => r.gateway.afterOverlay.peakRssBytes))
  const worstProbePeak = max(revocations.map((s) => Number(s.probeMemory.peakRssBytes)))
  const size = result.rounds[0]?.controlPlane.sizeBytes ?? 0
  const mark = (ok: boolean) => (ok ? '✅ met' : '❌ missed')
  const load = (values: readonly number[]) => values.map((v) => v.toFixed(2)).join(' / ')
  const lines = [
    `Measured ${result.date} on ${result.machine}; load average (1 / 5 / 15 min) ${load(result.load.start)} at the start, ${load(result.load.end)} at the end. State: ${Object.entries(
      result.counts,
    )
      .map(([section, count]) => `${n(count)} ${section}`)
      .join(', ')} (seeded in ${n(result.seedMs / 1000, 1)} s); policy snapshot body ${mb(size)}.`,
    ...(result.podEnv === undefined ? [] : [`Both pods ran with \`${result.podEnv}\`.`]),
    `${result.rounds.length} rounds; each publishes a policy snapshot phase by phase, revokes ${result.rounds[0]?.revocations.length ?? 0} keys one at a time through the admin API, then changes a team's allow-list through it.`,
    '',
    '#### Targets (worst of the runs)',
    '',
    '| target | goal | measured | |',
    '| --- | --- | --- | --- |',
    `| key revoked: \`POST /api/keys/{id}/revoke\` answers → gateway answers 401 \`api_key_revoked\` (key overlay) | ≤ 1 s | ${n(worstRevoke)} ms | ${mark(worstRevoke <= 1_000)} |`,
    `| team allow-list changed: \`PATCH /api/teams/{id}\` answers → gateway enforces it (whole policy snapshot) | ≤ 1 s | ${n(worstPolicy)} ms | ${mark(worstPolicy <= 1_000)} |`,
    `| pod memory holding the policy and an overlay (probe RSS after GC) | < 200 MB | ${mb(worstHeld)} | ${mark(worstHeld < 200e6)} |`,
    `| pod peak RSS (probe / real gateway, VmHWM) | < 200 MB | ${mb(worstProbePeak)} / ${mb(worstGatewayPeak)} | ${mark(max([worstProbePeak, worstGatewayPeak]) < 200e6)} |`,
    '',
    '#### Key revoked through the admin API (key overlay)',
    '',
    '| round | overlay revision (on base) | keys in overlay | overlay body | API call | answer → overlay published | answer → probe applied | answer → gateway rejects | overlay apply, probe / gateway |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...result.rounds.flatMap((round, i) =>
      round.revocations.map(
        (s) =>
          `| ${i + 1} | ${s.revision} (${s.baseRevision}) | ${s.overlayKeys} | ${n(s.overlaySizeBytes)} B | ${n(s.apiMs)} ms | ${n(s.answerToPublishedMs)} ms | ${n(s.answerToProbeAppliedMs)} ms | ${n(s.answerToGatewayRejectsMs)} ms | ${n(s.probeApplyMs, 1)} / ${n(s.gatewayApplyMs, 1)} ms |`,
      ),
    ),
    '',
    `The overlay's query for the changed keys (\`publishKeyOverlay\`, no index on \`changed_xid\`), timed alone after the rounds: ${result.overlayQueryMs.map((v) => `${n(v)} ms`).join(', ')}.`,
    '',
    '#### Team changed through the admin API (whole policy snapshot)',
    '',
    '| round | revision | API call | answer → snapshot published | answer → probe applied | answer → gateway enforces | gateway apply (parse + schema + runtime form) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...result.rounds.map((round, i) => {
      const s = round.teamChange
      return `| ${i + 1} | ${s.revision} | ${n(s.apiMs)} ms | ${n(s.answerToPublishedMs)} ms | ${n(s.answerToProbeAppliedMs)} ms | ${n(s.answerToGatewayEnforcesMs)} ms | ${n(applyMs(s.gatewayApplied))} ms |`
    }),
    '',
    '#### Control plane: one policy snapshot publish, phase by phase',
    '',
    '| round | read state (Postgres) | compile (incl. schema) | of which the schema alone | serialise | sha256 | transaction total | publish to NATS (object store + pointer) | total |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...result.rounds.map((round, i) => {
      const c = round.controlPlane
      return `| ${i + 1} | ${n(c.readMs)} ms | ${n(c.compileMs)} ms | ${n(c.schemaOnlyMs)} ms | ${n(c.serialiseMs)} ms | ${n(c.checksumMs)} ms | ${n(c.transactionMs)} ms | ${n(c.publishMs)} ms | ${n(c.totalMs)} ms |`
    }),
    '',
    '#### Gateway pod: applying that policy snapshot',
    '',
    '| round | pod | receive + verify (publish returned → body checked) | parse | schema | runtime form | apply total |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: |',
    ...result.rounds.flatMap((round, i) => {
      const probe = round.probe.applied
      const gateway = round.gateway.applied
      return [
        `| ${i + 1} | probe | ${n(Number(probe.receivedAtMs) - round.controlPlane.publishReturnedAtMs)} ms | ${n(probe.parseMs)} ms | ${n(probe.validateMs)} ms | ${n(probe.compileMs)} ms | ${n(applyMs(probe))} ms |`,
        `| ${i + 1} | gateway | – | ${n(gateway.parseMs)} ms | ${n(gateway.validateMs)} ms | ${n(gateway.compileMs)} ms | ${n(applyMs(gateway))} ms |`,
      ]
    }),
    '',
    '#### Pod memory',
    '',
    `Probe before any snapshot: RSS ${mb(result.probeBaseline.rssBytes)}, heap used ${mb(result.probeBaseline.heapUsedBytes)}. Gateway idle: RSS ${mb(result.gatewayIdle.rssBytes)}.`,
    '',
    '| round | probe after the policy: RSS / heap used (GC) | probe after its overlays: RSS / heap used / heap committed / external (GC) | probe peak RSS | gateway RSS after the policy / after the overlays | gateway peak RSS |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...result.rounds.map((round, i) => {
      const policy = round.probe.memory
      const overlay = round.revocations.at(-1)?.probeMemory ?? {}
      const g = round.gateway
      return `| ${i + 1} | ${mb(policy.rssBytes)} / ${mb(policy.heapUsedBytes)} | ${mb(overlay.rssBytes)} / ${mb(overlay.heapUsedBytes)} / ${mb(overlay.heapTotalBytes)} / ${mb(overlay.externalBytes)} | ${mb(overlay.peakRssBytes)} | ${mb(g.afterPolicy.rssBytes)} / ${mb(g.afterOverlay.rssBytes)} | ${mb(g.afterOverlay.peakRssBytes)} |`
    }),
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
