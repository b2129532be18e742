import type { SnapshotState } from './snapshot-state.ts'

export interface SnapshotReadiness {
  readonly isReady: boolean
  readonly details: Record<string, unknown>
}

/**
 * What `/readyz` says about the pod's policy: ready once a snapshot is loaded (its revision and
 * age shown), and, whether ready or not, the last snapshot it refused, so an operator sees that
 * a publish did not take even though the pod keeps serving its previous good one.
 */
export function snapshotReadiness(state: SnapshotState, nowMs: number): SnapshotReadiness {
  const rejected = state.lastRejected
  const lastRejected = rejected && {
    revision: rejected.revision,
    reason: rejected.reason,
    rejectedAt: new Date(rejected.rejectedAtMs).toISOString(),
    ageMs: nowMs - rejected.rejectedAtMs,
  }
  const loaded = state.current
  if (!loaded) {
    return {
      isReady: false,
      details: { reason: 'no policy snapshot loaded yet', ...(lastRejected && { lastRejected }) },
    }
  }
  return {
    isReady: true,
    details: {
      revision: loaded.revision,
      snapshotAgeMs: nowMs - (loaded.overlay?.appliedAtMs ?? loaded.appliedAtMs),
      ...(loaded.overlay && { baseRevision: loaded.snapshot.revision, overlayKeys: loaded.overlay.keyCount }),
      ...(lastRejected && { lastRejected }),
    },
  }
}
