import { abortableDelay, backoffDelayMs } from './backoff.ts'
import type { Snapshot, SnapshotChannel } from './bus.ts'
import { SnapshotReadError } from './bus-errors.ts'
import type { MutableBusStats } from './bus-stats.ts'
import { sha256Hex } from './sha256-hex.ts'
import { SNAPSHOT_CHANNEL_NAMES } from './snapshot-object-name.ts'
import { decodeSnapshotPointer, type SnapshotPointer } from './snapshot-pointer.ts'
import type { SnapshotStorePort } from './transport-ports.ts'

export interface SnapshotReadOptions {
  /** A pointer announcing a bigger body is rejected before anything is downloaded. */
  readonly maxSnapshotBytes: number
}

/** Body reads that fail for transport reasons are tried this many times before the entry is skipped. */
const BODY_READ_ATTEMPTS = 3

/** The channel's current snapshot, verified; null when there is none or it is not valid (counted). */
export async function readLatestSnapshot(
  store: SnapshotStorePort,
  channel: SnapshotChannel,
  stats: MutableBusStats,
  options: SnapshotReadOptions,
): Promise<Snapshot | null> {
  let entry: Awaited<ReturnType<SnapshotStorePort['readPointer']>>
  try {
    entry = await store.readPointer(SNAPSHOT_CHANNEL_NAMES[channel].pointerKey)
  } catch (error) {
    throw new SnapshotReadError(`Could not read the ${channel} snapshot pointer`, { cause: error })
  }
  if (!entry) return null
  const pointer = acceptPointer(entry.value, stats, options)
  if (!pointer) return null
  let body: Uint8Array | null
  try {
    body = await loadVerifiedBody(store, pointer, stats)
  } catch (error) {
    stats.snapshotReadErrors += 1
    throw new SnapshotReadError(`Could not read the body of ${channel} snapshot revision ${pointer.revision}`, {
      cause: error,
    })
  }
  if (!body) return null
  stats.snapshotsDelivered += 1
  return { revision: pointer.revision, checksum: pointer.checksum, body }
}

/**
 * Turns the pointer stream of one channel into verified snapshots: revisions only go up, a
 * body is yielded only when its size and sha256 match the pointer. Skips are counted, never thrown.
 */
export async function* watchVerifiedSnapshots(
  store: SnapshotStorePort,
  channel: SnapshotChannel,
  signal: AbortSignal,
  stats: MutableBusStats,
  options: SnapshotReadOptions,
): AsyncGenerator<Snapshot, void, undefined> {
  let lastRevision = 0
  // Entries at or below this sequence were handled for good; a re-read of one is ignored
  // silently. An entry whose body could not be read is not settled, so a re-read retries it.
  let settledSequence = 0
  for await (const entry of store.watchPointer(SNAPSHOT_CHANNEL_NAMES[channel].pointerKey, signal)) {
    if (entry.sequence <= settledSequence) continue
    const pointer = acceptPointer(entry.value, stats, options)
    if (!pointer) {
      settledSequence = entry.sequence
      continue
    }
    if (pointer.revision <= lastRevision) {
      stats.snapshotsSkippedStale += 1
      settledSequence = entry.sequence
      continue
    }
    const body = await loadWithRetries(store, pointer, stats, signal)
    if (body === 'unreadable') continue
    settledSequence = entry.sequence
    if (body === null) continue
    lastRevision = pointer.revision
    stats.snapshotsDelivered += 1
    yield { revision: pointer.revision, checksum: pointer.checksum, body }
  }
}

function acceptPointer(
  value: Uint8Array,
  stats: MutableBusStats,
  options: SnapshotReadOptions,
): SnapshotPointer | null {
  const pointer = decodeSnapshotPointer(value)
  if (!pointer || pointer.sizeBytes > options.maxSnapshotBytes) {
    stats.snapshotPointersRejected += 1
    return null
  }
  return pointer
}

/** The body if it matches the pointer; null (counted as corrupt) if it is missing or does not. */
async function loadVerifiedBody(
  store: SnapshotStorePort,
  pointer: SnapshotPointer,
  stats: MutableBusStats,
): Promise<Uint8Array | null> {
  const body = await store.readObject(pointer.objectName)
  if (!body || body.byteLength !== pointer.sizeBytes || (await sha256Hex(body)) !== pointer.checksum) {
    stats.snapshotsSkippedCorrupt += 1
    return null
  }
  return body
}

async function loadWithRetries(
  store: SnapshotStorePort,
  pointer: SnapshotPointer,
  stats: MutableBusStats,
  signal: AbortSignal,
): Promise<Uint8Array | null | 'unreadable'> {
  for (let attempt = 0; attempt < BODY_READ_ATTEMPTS && !signal.aborted; attempt += 1) {
    try {
      return await loadVerifiedBody(store, pointer, stats)
    } catch {
      stats.snapshotReadErrors += 1
      await abortableDelay(backoffDelayMs(attempt + 2), signal)
    }
  }
  return 'unreadable'
}
