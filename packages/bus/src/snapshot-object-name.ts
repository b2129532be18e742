import { NatsNames } from '@switchyard/contracts'
import type { SnapshotChannel } from './bus.ts'

/** Where a channel lives in the shared pointer bucket and object store. */
export interface SnapshotChannelNames {
  /** Key of the channel's pointer in the pointer bucket. */
  readonly pointerKey: string
  /** Every body of the channel is named `<objectPrefix><revision>-<sha256 prefix>`. */
  readonly objectPrefix: string
}

/**
 * The policy channel keeps the names it had before channels existed, so a running deployment
 * and the snapshots it already stored keep working across an upgrade.
 */
export const SNAPSHOT_CHANNEL_NAMES: Readonly<Record<SnapshotChannel, SnapshotChannelNames>> = {
  policy: { pointerKey: NatsNames.snapshotPointerKey, objectPrefix: NatsNames.snapshotObjectPrefix },
  keys: { pointerKey: NatsNames.keysSnapshotPointerKey, objectPrefix: NatsNames.keysSnapshotObjectPrefix },
}

const OBJECT_NAME_PATTERNS: Readonly<Record<SnapshotChannel, RegExp>> = {
  policy: objectNamePattern(SNAPSHOT_CHANNEL_NAMES.policy.objectPrefix),
  keys: objectNamePattern(SNAPSHOT_CHANNEL_NAMES.keys.objectPrefix),
}

/**
 * Names a stored snapshot body by channel and revision, plus a checksum prefix so that two
 * publishers racing with the same revision never overwrite each other's body under a live pointer.
 */
export function snapshotObjectName(channel: SnapshotChannel, revision: number, checksum: string): string {
  return `${SNAPSHOT_CHANNEL_NAMES[channel].objectPrefix}${revision}-${checksum.slice(0, 16)}`
}

/** The revision a name was made for, or null for a name this bus did not make for `channel`. */
export function revisionOfSnapshotObject(channel: SnapshotChannel, name: string): number | null {
  const match = OBJECT_NAME_PATTERNS[channel].exec(name)
  return match?.[1] === undefined ? null : Number(match[1])
}

function objectNamePattern(prefix: string): RegExp {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`^${escaped}(\\d{1,15})-[0-9a-f]{16}$`)
}
