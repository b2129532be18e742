import type { Logger } from '@switchyard/http-server'
import type { SnapshotMessage, SnapshotState } from './snapshot-state.ts'

export interface SnapshotSource {
  /** Yields a channel's current snapshot first, if there is one, then every newer one; ends on close. */
  watchSnapshots(channel: 'policy' | 'keys'): AsyncIterable<SnapshotMessage>
}

/** Where applied snapshots go besides memory: the pod's disk cache, one file per channel. */
export type OnApplied = (channel: 'policy' | 'keys', message: SnapshotMessage) => Promise<void>

/**
 * Feeds every policy snapshot and key overlay the bus delivers into the pod's state until the
 * source ends; `onApplied` sees each one that was applied (the pod writes it to its local cache).
 */
export async function followSnapshots(
  source: SnapshotSource,
  state: SnapshotState,
  log: Logger,
  onApplied: OnApplied = async () => {},
): Promise<void> {
  await Promise.all([
    follow('policy', source.watchSnapshots('policy'), (message) => state.apply(message), state, log, onApplied),
    follow('keys', source.watchSnapshots('keys'), (message) => state.applyOverlay(message), state, log, onApplied),
  ])
}

async function follow(
  channel: 'policy' | 'keys',
  messages: AsyncIterable<SnapshotMessage>,
  apply: (message: SnapshotMessage) => ReturnType<SnapshotState['apply']>,
  state: SnapshotState,
  log: Logger,
  onApplied: OnApplied,
): Promise<void> {
  const what = channel === 'policy' ? 'policy snapshot' : 'key overlay'
  for await (const message of messages) {
    const outcome = apply(message)
    if (outcome.kind === 'applied') {
      const loaded = state.current
      const details =
        channel === 'policy'
          ? { sizeBytes: loaded?.sizeBytes, ...loaded?.timings }
          : { keys: loaded?.overlay?.keyCount, applyMs: loaded?.overlay?.applyMs }
      log.info({ revision: outcome.revision, ...details }, `${what} applied`)
      await onApplied(channel, message).catch((error: unknown) =>
        log.warn({ err: error }, `could not cache the ${what} on disk`),
      )
    } else if (outcome.kind === 'held') {
      log.info(outcome, 'key overlay held until its policy snapshot arrives')
    } else if (outcome.kind === 'stale') {
      log.debug(outcome, `${what} not newer than the current one`)
    } else {
      log.warn(outcome, `${what} refused; keeping the current one`)
    }
  }
}
