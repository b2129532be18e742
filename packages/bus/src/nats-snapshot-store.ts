import { type JetStreamClient, StorageType } from '@nats-io/jetstream'
import { type KV, Kvm, KvWatchInclude } from '@nats-io/kv'
import { Objm } from '@nats-io/obj'
import { NatsNames } from '@switchyard/contracts'
import { abortableDelay, backoffDelayMs } from './backoff.ts'
import type { MutableBusStats } from './bus-stats.ts'
import { LatestEntrySlot } from './latest-entry-slot.ts'
import type { ReconnectNotifier } from './nats-reconnects.ts'
import { isJetStreamApiError } from './nats-streams.ts'
import type { PointerEntry, SnapshotStorePort } from './transport-ports.ts'

export interface NatsSnapshotStoreOptions {
  readonly replicas: number
  /** Watchers also re-read the pointer this often, in case a watcher stalled silently. */
  readonly pointerRefreshIntervalMs: number
}

/**
 * Snapshot bodies in the object store (chunked, so far beyond the 1 MiB max payload), the
 * pointer to each channel's current one under its own key of a KV bucket. Watchers follow
 * their channel's key and re-read it after every reconnect, so a pod catches up on anything
 * published while it was cut off.
 */
export async function openNatsSnapshotStore(
  js: JetStreamClient,
  reconnects: ReconnectNotifier,
  stats: MutableBusStats,
  options: NatsSnapshotStoreOptions,
): Promise<SnapshotStorePort> {
  const kv = await createTolerantly(() =>
    new Kvm(js).create(NatsNames.snapshotPointerBucket, {
      history: 1,
      storage: StorageType.File,
      replicas: options.replicas,
    }),
  )
  const objects = await createTolerantly(() =>
    new Objm(js).create(NatsNames.snapshotObjectStore, {
      storage: StorageType.File,
      replicas: options.replicas,
    }),
  )
  const readPointer = (pointerKey: string) => readPointerEntry(kv, pointerKey)
  return {
    readPointer,
    async swapPointer(pointerKey, value, expectedSequence) {
      try {
        if (expectedSequence === null) await kv.create(pointerKey, value)
        else await kv.update(pointerKey, value, expectedSequence)
        return true
      } catch (error) {
        // A wrong-last-sequence rejection means another writer won; anything else is a failure.
        const current = await readPointer(pointerKey)
        if ((current?.sequence ?? null) !== expectedSequence) return false
        throw error
      }
    },
    async putObject(name, body) {
      await objects.putBlob({ name }, body)
    },
    readObject: (name) => objects.getBlob(name),
    async listObjectNames() {
      const infos = await objects.list()
      return infos.filter((info) => !info.deleted).map((info) => info.name)
    },
    async deleteObject(name) {
      await objects.delete(name)
    },
    watchPointer: (pointerKey, signal) =>
      watchPointer(kv, pointerKey, () => readPointer(pointerKey), reconnects, stats, options, signal),
  }
}

async function readPointerEntry(kv: KV, pointerKey: string): Promise<PointerEntry | null> {
  const entry = await kv.get(pointerKey)
  if (entry?.operation !== 'PUT') return null
  return { sequence: entry.revision, value: entry.value }
}

async function* watchPointer(
  kv: KV,
  pointerKey: string,
  readPointer: () => Promise<PointerEntry | null>,
  reconnects: ReconnectNotifier,
  stats: MutableBusStats,
  options: NatsSnapshotStoreOptions,
  parentSignal: AbortSignal,
): AsyncGenerator<PointerEntry, void, undefined> {
  const local = new AbortController()
  const signal = AbortSignal.any([parentSignal, local.signal])
  const slot = new LatestEntrySlot<PointerEntry>()
  const refresh = () => {
    readPointer().then(
      (entry) => {
        if (entry) slot.offer(entry)
      },
      () => {
        // The watcher, the next reconnect or the next interval tries again.
      },
    )
  }
  const stopOnAbort = () => slot.close()
  signal.addEventListener('abort', stopOnAbort, { once: true })
  const removeReconnectListener = reconnects.onReconnect(() => {
    stats.snapshotWatchRestarts += 1
    refresh()
  })
  const refreshTimer = setInterval(refresh, options.pointerRefreshIntervalMs)
  refreshTimer.unref()
  void followPointerKey(kv, pointerKey, slot, signal, stats)
  try {
    for (;;) {
      const entry = await slot.take()
      if (!entry) return
      yield entry
    }
  } finally {
    local.abort()
    clearInterval(refreshTimer)
    removeReconnectListener()
    signal.removeEventListener('abort', stopOnAbort)
    slot.close()
  }
}

/** A KV watch on one pointer key (current value first), re-created whenever it ends. */
async function followPointerKey(
  kv: KV,
  pointerKey: string,
  slot: LatestEntrySlot<PointerEntry>,
  signal: AbortSignal,
  stats: MutableBusStats,
): Promise<void> {
  let attempt = 0
  while (!signal.aborted) {
    try {
      const watcher = await kv.watch({
        key: pointerKey,
        include: KvWatchInclude.LastValue,
        ignoreDeletes: true,
      })
      const stop = () => watcher.stop()
      signal.addEventListener('abort', stop, { once: true })
      if (signal.aborted) stop()
      try {
        for await (const entry of watcher) {
          attempt = 0
          if (entry.operation === 'PUT') slot.offer({ sequence: entry.revision, value: entry.value })
        }
      } finally {
        signal.removeEventListener('abort', stop)
      }
    } catch {
      // Server gone or JetStream not ready yet: back off and watch again.
    }
    if (signal.aborted) return
    stats.snapshotWatchRestarts += 1
    await abortableDelay(backoffDelayMs(attempt), signal)
    attempt += 1
  }
}

/**
 * Creates a bucket or store that several processes may be creating at the same moment (pods
 * starting together). The loser of that race gets "subjects overlap" or "already in use"; a
 * second create then finds the winner's and binds to it.
 */
async function createTolerantly<T>(create: () => Promise<T>): Promise<T> {
  try {
    return await create()
  } catch (error) {
    if (!isJetStreamApiError(error, STREAM_SUBJECT_OVERLAP) && !isJetStreamApiError(error, STREAM_NAME_IN_USE)) {
      throw error
    }
    return await create()
  }
}

/** JetStream API error codes the client library names no constant for. */
const STREAM_SUBJECT_OVERLAP = 10065
const STREAM_NAME_IN_USE = 10058
