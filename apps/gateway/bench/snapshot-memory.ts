import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { getHeapSpaceStatistics } from 'node:v8'
import { parseKeyring } from '@switchyard/secrets'
import { compileRuntimePolicy } from '../src/policy/runtime-policy.ts'
import { SnapshotState } from '../src/snapshot/snapshot-state.ts'

/**
 * A pod's memory for a policy snapshot body on disk, without NATS: applies it (twice, the second
 * time under the next revision, as a pod replacing its policy does), lays a key overlay of three
 * revoked keys on it, and prints the apply timings and memory after a full GC at each step, to
 * try a change to the pod's memory in seconds rather than a `pnpm bench:snapshot` run. The bodies
 * it reads are held as a pod never holds them, so its RSS is above a pod's. Run with --expose-gc:
 *
 *   node --expose-gc [V8 flags] apps/gateway/bench/snapshot-memory.ts SNAPSHOT.json KEYRING
 *
 * SPACES=1 adds V8's heap spaces, SETTLE_MS=n measures once more after n ms idle (V8's memory
 * reducer runs when idle), SMAPS=1 ends with where the process's resident memory is.
 */
const [snapshotPath, keyringText] = process.argv.slice(2)
if (!snapshotPath || !keyringText) throw new Error('usage: snapshot-memory.ts SNAPSHOT.json KEYRING')
const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with --expose-gc')
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`

function memory(step: string): void {
  gc?.()
  const usage = process.memoryUsage()
  const status = readFileSync('/proc/self/status', 'utf8')
  const peak = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]) * 1024
  console.log(
    `${step.padEnd(28)} rss ${mb(usage.rss)}  heap used ${mb(usage.heapUsed)} of ${mb(usage.heapTotal)}  external ${mb(usage.external)}  peak rss ${mb(peak)}`,
  )
  if (process.env.SPACES) {
    const spaces = getHeapSpaceStatistics().map(
      (s) => `${s.space_name.replace('_space', '')} ${mb(s.space_used_size)}/${mb(s.space_size)}`,
    )
    console.log(`    ${spaces.join(', ')}`)
  }
}

/** The body under another revision, as the next publish of the same state would be. */
function bodyAt(text: string, revision: number): Uint8Array {
  return new TextEncoder().encode(
    text.replace(/^\{"schemaVersion":1,"revision":\d+,/, `{"schemaVersion":1,"revision":${revision},`),
  )
}

const keyring = parseKeyring(keyringText)
const state = new SnapshotState((snapshot) => compileRuntimePolicy(snapshot, keyring))
memory('baseline')
let text: string | undefined = readFileSync(snapshotPath, 'utf8')
const bodies = [bodyAt(text, 5), bodyAt(text, 7)]
const overlayKeys = (JSON.parse(text) as { keys: Array<Record<string, unknown>> }).keys.slice(1_000, 1_003)
text = undefined
memory('bodies read')
for (const [i, revision] of [5, 7].entries()) {
  const body = bodies[i]
  if (!body) throw new Error('no body')
  bodies[i] = new Uint8Array(0)
  const outcome = state.apply({ revision, checksum: 'x', body })
  console.log(`apply ${revision}: ${outcome.kind} ${JSON.stringify(state.current?.timings)}`)
  memory(`policy ${revision} applied`)
  for (let n = 1; n <= overlayKeys.length; n += 1) {
    const overlay = {
      schemaVersion: 1,
      // Overlay revisions only have to grow within the keys channel.
      revision: revision * 10 + n,
      baseRevision: revision,
      generatedAt: new Date().toISOString(),
      keys: overlayKeys.slice(0, n).map((key) => ({ ...key, status: 'revoked' })),
    }
    const applied = state.applyOverlay({
      revision: overlay.revision,
      checksum: 'x',
      body: new TextEncoder().encode(JSON.stringify(overlay)),
    })
    console.log(`  overlay of ${n}: ${applied.kind} in ${state.current?.overlay?.applyMs.toFixed(1)} ms`)
  }
  memory(`policy ${revision} + overlay`)
}
await sleep(Number(process.env.SETTLE_MS ?? 0))
memory('settled')
if (process.env.SMAPS) {
  console.log(readFileSync('/proc/self/smaps_rollup', 'utf8'))
  const regions = readFileSync('/proc/self/smaps', 'utf8').split(/\n(?=[0-9a-f]+-[0-9a-f]+ )/)
  const sized = regions.map((r) => ({ head: r.split('\n')[0], rss: Number(/^Rss:\s+(\d+)/m.exec(r)?.[1] ?? 0) }))
  sized.sort((a, b) => b.rss - a.rss)
  const total = sized.reduce((sum, r) => sum + r.rss, 0)
  const small = sized.filter((r) => r.rss < 1024)
  console.log(
    `total ${(total / 1024).toFixed(1)} MB in ${sized.length} regions; ${small.length} under 1 MB hold ${(small.reduce((s, r) => s + r.rss, 0) / 1024).toFixed(1)} MB`,
  )
  for (const r of sized.slice(0, 15)) console.log(`${(r.rss / 1024).toFixed(1).padStart(8)} MB  ${r.head}`)
}
