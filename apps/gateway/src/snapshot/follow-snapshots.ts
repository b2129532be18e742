import type { Logger } from '@switchyard/http-server'
import type { SnapshotMessage, SnapshotState } from './snapshot-state.ts'

export interface SnapshotSource {
  /** Yields the current snapshot first, if there is one, then every newer one; ends on close. */
  watchSnapshots(): AsyncIterable<SnapshotMessage>
}

/** Feeds every snapshot the bus delivers into the pod's state until the source ends. */
export async function followSnapshots(source: SnapshotSource, state: SnapshotState, log: Logger): Promise<void> {
  for await (const message of source.watchSnapshots()) {
    const outcome = state.apply(message)
    if (outcome.kind === 'applied') log.info({ revision: outcome.revision }, 'policy snapshot applied')
    else log.warn(outcome, 'policy snapshot refused; keeping the current one')
  }
}
