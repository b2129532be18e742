import { z } from 'zod'

/** Every id in a snapshot is an opaque string assigned by the control plane. */
export const SnapshotId = z.string().min(1).max(128)
