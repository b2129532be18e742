import type { Logger } from '@switchyard/http-server'
import type { SnapshotMessage, SnapshotState } from './snapshot-state.ts'

export interface SnapshotSource {
  /** Yields the current snapshot first, if there is one, then every newer one; ends on close. */
  watchSnapshots(): AsyncIterable<SnapshotMessage>
}

/**
 * Feeds every snapshot the bus delivers into the pod's state until the source ends;
 * `onApplied` sees each one that was applied (the pod writes it to its local cache).
 */
export async function followSnapshots(
  source: SnapshotSource,
  state: SnapshotState,
  log: Logger,
  onApplied: (message: SnapshotMessage) => Promise<void> = async () => {},
): Promise<void> {
  for await (const message of source.watchSnapshots()) {
    const outcome = state.apply(message)
    if (outcome.kind === 'applied') {
      const loaded = state.current
      log.info(
        { revision: outcome.revision, sizeBytes: loaded?.sizeBytes, ...loaded?.timings },
        'policy snapshot applied',
      )
      await onApplied(message).catch((error: unknown) =>
        log.warn({ err: error }, 'could not cache the snapshot on disk'),
      )
    } else if (outcome.kind === 'stale') {
      log.debug(outcome, 'policy snapshot not newer than the current one')
    } else {
      log.warn(outcome, 'policy snapshot refused; keeping the current one')
    }
  }
}
