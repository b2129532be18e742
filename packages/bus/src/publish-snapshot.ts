import type { PublishedSnapshot, SnapshotChannel } from './bus.ts'
import { SnapshotPublishError, SnapshotTooLargeError, StaleSnapshotError } from './bus-errors.ts'
import type { ValidSnapshotToPublish } from './bus-inputs.ts'
import type { MutableBusStats } from './bus-stats.ts'
import { sha256Hex } from './sha256-hex.ts'
import { revisionOfSnapshotObject, SNAPSHOT_CHANNEL_NAMES, snapshotObjectName } from './snapshot-object-name.ts'
import {
  decodeSnapshotPointer,
  encodeSnapshotPointer,
  SNAPSHOT_POINTER_SCHEMA_VERSION,
  type SnapshotPointer,
} from './snapshot-pointer.ts'
import type { PointerEntry, SnapshotStorePort } from './transport-ports.ts'

export interface SnapshotPublishOptions {
  /** Bodies kept per channel, the new one included; older ones are deleted after a publish. */
  readonly keepSnapshotObjects: number
  readonly maxSnapshotBytes: number
  readonly now: () => number
}

/** Another writer moved the pointer between our read and our write this many times: give up. */
const MAX_POINTER_SWAPS = 5

/**
 * Body first, pointer second, so a watcher that sees the pointer can always read the body.
 * The pointer is swapped with compare-and-set and never moves to an older revision: a pod
 * that starts later must get the newest snapshot, not whichever publisher wrote last.
 * Everything here concerns the snapshot's channel only: its pointer, its order, its bodies.
 */
export async function publishSnapshotToStore(
  store: SnapshotStorePort,
  stats: MutableBusStats,
  snapshot: ValidSnapshotToPublish,
  options: SnapshotPublishOptions,
): Promise<PublishedSnapshot> {
  const { revision, body, channel } = snapshot
  const { pointerKey } = SNAPSHOT_CHANNEL_NAMES[channel]
  if (body.byteLength > options.maxSnapshotBytes) {
    throw new SnapshotTooLargeError(
      `Snapshot revision ${revision} is ${body.byteLength} bytes; the limit is ${options.maxSnapshotBytes}`,
    )
  }
  const checksum = await sha256Hex(body)
  const published = { revision, checksum, sizeBytes: body.byteLength }

  let current = await readCurrentPointer(store, pointerKey)
  if (isAlreadyCurrent(current.pointer, revision, checksum)) return { ...published, isAlreadyCurrent: true }

  const objectName = snapshotObjectName(channel, revision, checksum)
  await attempt(`store the body of ${channel} snapshot revision ${revision}`, () => store.putObject(objectName, body))
  const pointer = encodeSnapshotPointer({
    schemaVersion: SNAPSHOT_POINTER_SCHEMA_VERSION,
    revision,
    checksum,
    objectName,
    sizeBytes: body.byteLength,
    publishedAt: new Date(options.now()).toISOString(),
  })
  for (let swap = 0; swap < MAX_POINTER_SWAPS; swap += 1) {
    const expectedSequence = current.entry?.sequence ?? null
    const isSwapped = await attempt(`make ${channel} snapshot revision ${revision} current`, () =>
      store.swapPointer(pointerKey, pointer, expectedSequence),
    )
    if (isSwapped) {
      stats.snapshotsPublished += 1
      await pruneSnapshotObjects(store, stats, channel, objectName, revision, options.keepSnapshotObjects)
      return { ...published, isAlreadyCurrent: false }
    }
    current = await readCurrentPointer(store, pointerKey)
    if (isAlreadyCurrent(current.pointer, revision, checksum)) return { ...published, isAlreadyCurrent: true }
  }
  throw new SnapshotPublishError(`The ${channel} snapshot pointer kept changing while publishing revision ${revision}`)
}

interface CurrentPointer {
  readonly entry: PointerEntry | null
  /** Null when there is no pointer or it is unreadable (a bad pointer may be overwritten). */
  readonly pointer: SnapshotPointer | null
}

async function readCurrentPointer(store: SnapshotStorePort, pointerKey: string): Promise<CurrentPointer> {
  const entry = await attempt(`read the snapshot pointer ${pointerKey}`, () => store.readPointer(pointerKey))
  return { entry, pointer: entry ? decodeSnapshotPointer(entry.value) : null }
}

/** True for a repeat of the current snapshot; throws for anything older. */
function isAlreadyCurrent(pointer: SnapshotPointer | null, revision: number, checksum: string): boolean {
  if (!pointer || pointer.revision < revision) return false
  if (pointer.revision === revision && pointer.checksum === checksum) return true
  throw new StaleSnapshotError(revision, pointer.revision)
}

async function attempt<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation()
  } catch (error) {
    throw new SnapshotPublishError(`Could not ${what}`, { cause: error })
  }
}

/**
 * Keeps the channel's newest bodies (a watcher may still be reading the previous one) and
 * deletes the rest of that channel's; another channel's bodies are never touched (their
 * names do not parse as this channel's). Housekeeping only: a failure here leaves extra
 * objects that the next publish on the channel prunes.
 */
async function pruneSnapshotObjects(
  store: SnapshotStorePort,
  stats: MutableBusStats,
  channel: SnapshotChannel,
  currentObjectName: string,
  currentRevision: number,
  keepSnapshotObjects: number,
): Promise<void> {
  try {
    const older = (await store.listObjectNames())
      .filter((name) => name !== currentObjectName)
      .map((name) => ({ name, revision: revisionOfSnapshotObject(channel, name) }))
      .filter((object): object is { name: string; revision: number } => {
        return object.revision !== null && object.revision <= currentRevision
      })
      .sort((a, b) => b.revision - a.revision)
    for (const object of older.slice(Math.max(0, keepSnapshotObjects - 1))) {
      await store.deleteObject(object.name)
      stats.snapshotObjectsPruned += 1
    }
  } catch {
    // Left for the next publish.
  }
}
