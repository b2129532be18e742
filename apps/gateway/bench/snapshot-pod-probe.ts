import { readFileSync } from 'node:fs'
import { createNatsBus, type Snapshot } from '@switchyard/bus'
import { createLogger } from '@switchyard/http-server'
import { parseKeyring } from '@switchyard/secrets'
import { KeyHasher } from '../src/pipeline/key-hasher.ts'
import { compileRuntimePolicy, type RuntimePolicy } from '../src/policy/runtime-policy.ts'
import { followSnapshots } from '../src/snapshot/follow-snapshots.ts'
import { SnapshotState } from '../src/snapshot/snapshot-state.ts'

/**
 * A gateway pod's snapshot path and nothing else, for `pnpm bench:snapshot`: the real bus over
 * NATS, `followSnapshots`, `SnapshotState` and `compileRuntimePolicy`, in a process of its own
 * started with `--expose-gc`, so its heap holds only what a pod holds for its policy. Reports
 * JSON lines on stdout: `baseline` (memory before any snapshot), then per applied snapshot
 * or key overlay `applied` (when it arrived and was applied, wall clock; the phases, or the
 * overlay's apply time; what the watched keys now get) and `memory` (after a full GC, with that
 * snapshot, its runtime form and any overlay alive).
 *
 * Env: PROBE_NATS_URL, PROBE_KEYRING, PROBE_KEY_PEPPER, PROBE_WATCH_KEYS (plaintext keys, comma-separated).
 */
const env = (name: string): string => {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set`)
  return value
}
const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with --expose-gc')
const wallMs = () => performance.timeOrigin + performance.now()
const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`)

function memory(): Record<string, number> {
  gc?.()
  const usage = process.memoryUsage()
  const status = readFileSync('/proc/self/status', 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN)
  return {
    rssBytes: usage.rss,
    peakRssBytes: kb('VmHWM') * 1024,
    heapUsedBytes: usage.heapUsed,
    heapTotalBytes: usage.heapTotal,
    externalBytes: usage.external,
    arrayBuffersBytes: usage.arrayBuffers,
  }
}

const keyring = parseKeyring(env('PROBE_KEYRING'))
const hasher = new KeyHasher(Buffer.from(env('PROBE_KEY_PEPPER'), 'utf8'))
const watchedKeys = env('PROBE_WATCH_KEYS').split(',')
const bus = await createNatsBus({ servers: env('PROBE_NATS_URL'), name: 'snapshot-pod-probe', waitForServer: true })
const state = new SnapshotState((snapshot) => compileRuntimePolicy(snapshot, keyring))
let receivedAtMs = 0

function watchedKeyStatuses(policy: RuntimePolicy): string[] {
  return watchedKeys.map((key) => policy.keysByHash.get(hasher.hash(key))?.status ?? 'unknown')
}

emit({ event: 'baseline', ...memory() })
process.on('SIGTERM', () => {
  bus.close().finally(() => process.exit(0))
})
await followSnapshots(
  {
    async *watchSnapshots(channel: 'policy' | 'keys'): AsyncGenerator<Snapshot> {
      for await (const snapshot of bus.watchSnapshots(channel)) {
        receivedAtMs = wallMs()
        yield snapshot
      }
    },
  },
  state,
  createLogger('snapshot-pod-probe', 'warn'),
  async (channel, message) => {
    const appliedAtMs = wallMs()
    const loaded = state.current
    if (!loaded) return
    emit({
      event: 'applied',
      channel,
      revision: message.revision,
      sizeBytes: loaded.sizeBytes,
      receivedAtMs,
      appliedAtMs,
      ...loaded.timings,
      ...(channel === 'keys' && {
        overlayApplyMs: loaded.overlay?.applyMs,
        overlayKeys: loaded.overlay?.keyCount,
        overlaySizeBytes: message.body.byteLength,
      }),
      watchedKeys: watchedKeyStatuses(loaded.policy),
    })
    // Measured once this callback has returned and the follow loop let go of the body, as a
    // pod holds it between snapshots.
    const { revision } = message
    setTimeout(() => emit({ event: 'memory', revision, ...memory() }), 20)
  },
)
