import type { UsagePublishResult, UsageToPublish } from '@switchyard/bus'
import type { UsageEvent } from '@switchyard/contracts'
import type { Logger } from '@switchyard/http-server'
import type { SpoolAppendResult, SpooledEvent, UsageSpool } from './usage-spool.ts'

/** The part of the bus the emitter needs: resolves once the event is stored, rejects when not. */
export interface UsagePublisher {
  publishUsage(event: UsageToPublish): Promise<UsagePublishResult>
}

/** Where the request path hands its usage events. */
export interface UsageSink {
  /** Synchronous and cheap: never waits for the bus or the disk. */
  emit(events: readonly UsageEvent[]): void
}

export interface UsageEmitterSettings {
  /** Events held in memory (waiting to be published or spooled); beyond it they are dropped, counted. */
  readonly queueCapacity: number
  /** Publishes waiting for the bus at once, live and replayed each. */
  readonly maxInFlight: number
  /** How often the spool is replayed. */
  readonly replayIntervalMs: number
  /**
   * Publishes pending this long with none stored meanwhile mean the bus is gone (a NATS client
   * that is reconnecting holds a publish for its whole request timeout): new events then go to
   * the spool instead of piling up in memory.
   */
  readonly stallAfterMs: number
}

const DEFAULT_SETTINGS: UsageEmitterSettings = {
  queueCapacity: 10_000,
  maxInFlight: 32,
  replayIntervalMs: 1_000,
  stallAfterMs: 1_000,
}

/** Runs `tick` every `intervalMs` until the returned function is called. */
export type RepeatEvery = (intervalMs: number, tick: () => void) => () => void

const repeatWithTimers: RepeatEvery = (intervalMs, tick) => {
  const timer = setInterval(tick, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}

export type UsageDropReason = 'queue_full' | 'spool_full' | 'spool_error' | 'closed'
const DROP_REASONS: readonly UsageDropReason[] = ['queue_full', 'spool_full', 'spool_error', 'closed']

export interface UsageEmitterStats {
  /** Events in memory, waiting to be published or written to the spool. */
  readonly queued: number
  /** Publishes waiting for the bus, replays included. */
  readonly inFlight: number
  /** Events the bus stored on their first try. */
  readonly published: number
  /** Events written to the spool. */
  readonly spooled: number
  readonly spoolBytes: number
  /** Spooled events the bus stored later. */
  readonly replayed: number
  /** Events lost, for any reason (each one is also logged as an error). */
  readonly dropped: number
  readonly droppedByReason: Readonly<Record<UsageDropReason, number>>
  /** Spool lines skipped on replay because a crash tore them. */
  readonly spoolCorruptLines: number
  /** True from a failed publish until the bus stores an event again: new events go to the spool. */
  readonly isBusFailing: boolean
}

export interface UsageEmitterDeps {
  readonly bus: UsagePublisher
  readonly spool: UsageSpool
  readonly log: Logger
  readonly settings?: Partial<UsageEmitterSettings>
  /** The replay loop's timer: real intervals unless a test drives it. */
  readonly repeatEvery?: RepeatEvery
  /** Milliseconds, for the stall check; default `performance.now`. */
  readonly now?: () => number
}

const encoder = new TextEncoder()

/** Why the emitter spools while publishes are still pending: none was stored for a while. */
export class UsagePublishStalledError extends Error {
  override readonly name = 'UsagePublishStalledError'

  constructor(stallAfterMs: number) {
    super(`no usage event stored for ${stallAfterMs} ms while publishes were pending`)
  }
}

/**
 * Publishes usage events to the bus in the background, never losing one silently:
 *
 * - `emit` only pushes to a bounded queue (full: dropped, counted, logged as an error);
 * - a pump encodes each event once and publishes it, at most `maxInFlight` at a time;
 * - a failed publish sends the event to the on-disk spool, and while the bus is failing new
 *   events go to the spool directly instead of each waiting for a publish timeout; so do they
 *   when publishes have been pending for `stallAfterMs` with none stored (the bus went away and
 *   its publishes have not timed out yet);
 * - every `replayIntervalMs` the spool is published again, oldest first, each batch removed
 *   only once the bus stored it; the first replayed event the bus stores ends the failing state;
 * - `close()` publishes (or spools) everything still in memory before the caller closes the bus.
 *
 * Ids are the events' own, fixed when they were built: a replay that repeats an event the bus
 * did store (its ack was lost) is dropped downstream as a duplicate.
 */
export class UsageEmitter implements UsageSink {
  readonly #bus: UsagePublisher
  readonly #spool: UsageSpool
  readonly #log: Logger
  readonly #settings: UsageEmitterSettings
  readonly #repeatEvery: RepeatEvery
  readonly #now: () => number
  /** When publishes last went from none pending to some, and when the bus last stored one. */
  #busySinceMs = 0
  #lastStoredAtMs = 0
  /** A queue with a moving head: `shift()` on a large array would copy it every time. */
  #queue: UsageEvent[] = []
  #head = 0
  /** Encoded lines waiting for the spool write in progress to finish. */
  #toSpool: string[] = []
  #isSpoolWriting = false
  #inFlight = 0
  #replayInFlight = 0
  #isPumpScheduled = false
  #isBusFailing = false
  #isClosed = false
  #stopReplayLoop: (() => void) | null = null
  #replaying: Promise<void> | null = null
  #idleWaiters: Array<() => void> = []
  #published = 0
  #spooled = 0
  #replayed = 0
  readonly #dropped: Record<UsageDropReason, number> = { queue_full: 0, spool_full: 0, spool_error: 0, closed: 0 }

  constructor(deps: UsageEmitterDeps) {
    this.#bus = deps.bus
    this.#spool = deps.spool
    this.#log = deps.log
    this.#settings = { ...DEFAULT_SETTINGS, ...deps.settings }
    this.#repeatEvery = deps.repeatEvery ?? repeatWithTimers
    this.#now = deps.now ?? (() => performance.now())
  }

  /** Starts the replay loop, with a first replay at once (what an earlier process spooled). */
  start(): void {
    if (this.#stopReplayLoop || this.#isClosed) return
    this.#stopReplayLoop = this.#repeatEvery(this.#settings.replayIntervalMs, () => void this.replaySpool())
    void this.replaySpool()
  }

  emit(events: readonly UsageEvent[]): void {
    if (events.length === 0) return
    if (this.#isClosed) {
      this.#drop('closed', events.length)
      return
    }
    const room = this.#settings.queueCapacity - this.#held()
    const accepted = room >= events.length ? events : events.slice(0, Math.max(0, room))
    for (const event of accepted) this.#queue.push(event)
    if (accepted.length < events.length) this.#drop('queue_full', events.length - accepted.length)
    if (!this.#isPumpScheduled) {
      this.#isPumpScheduled = true
      // Encoding and publishing happen after the request path has moved on.
      setImmediate(() => {
        this.#isPumpScheduled = false
        this.#pump()
      })
    }
  }

  stats(): UsageEmitterStats {
    const droppedByReason = { ...this.#dropped }
    return {
      queued: this.#held(),
      inFlight: this.#inFlight + this.#replayInFlight,
      published: this.#published,
      spooled: this.#spooled,
      spoolBytes: this.#spool.bytes,
      replayed: this.#replayed,
      dropped: DROP_REASONS.reduce((sum, reason) => sum + droppedByReason[reason], 0),
      droppedByReason,
      spoolCorruptLines: this.#spool.corruptLines,
      isBusFailing: this.#isBusFailing,
    }
  }

  /**
   * Publishes what the spool holds, oldest first, in batches of `maxInFlight`: the part of a
   * batch before the first failure is removed from the spool, the rest stays for the next
   * round (already-stored events among it come back as duplicates, dropped downstream).
   * Concurrent calls share one run.
   */
  replaySpool(): Promise<void> {
    this.#replaying ??= this.#replay().finally(() => {
      this.#replaying = null
    })
    return this.#replaying
  }

  /**
   * Stops the replay loop and empties memory: every queued event is published, or spooled when
   * the bus fails it. Call before closing the bus; events emitted afterwards are dropped, counted.
   */
  async close(): Promise<void> {
    if (this.#isClosed) return
    this.#isClosed = true
    this.#stopReplayLoop?.()
    this.#stopReplayLoop = null
    await this.#replaying
    this.#pump()
    await this.#whenIdle()
    await this.#spool.close()
  }

  #held(): number {
    return this.#queue.length - this.#head + this.#toSpool.length
  }

  #take(): UsageEvent | undefined {
    if (this.#head >= this.#queue.length) return undefined
    const event = this.#queue[this.#head]
    this.#head += 1
    if (this.#head === this.#queue.length) {
      this.#queue = []
      this.#head = 0
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head)
      this.#head = 0
    }
    return event
  }

  #pump(): void {
    for (;;) {
      if (!this.#isBusFailing && this.#inFlight >= this.#settings.maxInFlight) {
        if (!this.#isStalled()) break
        this.#setBusFailing(true, new UsagePublishStalledError(this.#settings.stallAfterMs))
      }
      const event = this.#take()
      if (event === undefined) break
      const line = JSON.stringify(event)
      if (this.#isBusFailing) this.#sendToSpool(line)
      else this.#publish(event.id, line)
    }
    this.#notifyIfIdle()
  }

  /** Publishes are pending and none was stored for `stallAfterMs`. */
  #isStalled(): boolean {
    if (this.#inFlight === 0) return false
    const since = Math.max(this.#busySinceMs, this.#lastStoredAtMs)
    return this.#now() - since >= this.#settings.stallAfterMs
  }

  #publish(id: string, line: string): void {
    if (this.#inFlight === 0) this.#busySinceMs = this.#now()
    this.#inFlight += 1
    this.#send(id, line).then(
      () => {
        this.#lastStoredAtMs = this.#now()
        this.#published += 1
        this.#setBusFailing(false, null)
        this.#publishDone()
      },
      (error: unknown) => {
        this.#setBusFailing(true, error)
        this.#sendToSpool(line)
        this.#publishDone()
      },
    )
  }

  /** The bus's publish, with a synchronous throw turned into a rejection. */
  #send(id: string, line: string): Promise<UsagePublishResult> {
    try {
      return this.#bus.publishUsage({ id, body: encoder.encode(line) })
    } catch (error) {
      return Promise.reject(error)
    }
  }

  #publishDone(): void {
    this.#inFlight -= 1
    this.#pump()
  }

  #setBusFailing(isFailing: boolean, error: unknown): void {
    if (this.#isBusFailing === isFailing) return
    this.#isBusFailing = isFailing
    if (isFailing)
      this.#log.warn({ err: error }, 'usage publish failed: spooling usage events to disk until the bus is back')
    else this.#log.info('usage bus is back: publishing again')
  }

  #sendToSpool(line: string): void {
    this.#toSpool.push(line)
    if (!this.#isSpoolWriting) this.#startSpoolWrite()
  }

  #startSpoolWrite(): void {
    this.#isSpoolWriting = true
    void this.#writeSpool().then(() => {
      this.#isSpoolWriting = false
      // Lines may have arrived between the last write and this callback.
      if (this.#toSpool.length > 0) this.#startSpoolWrite()
      else this.#notifyIfIdle()
    })
  }

  /** Writes what waits for the spool, one batch per write, until nothing does. Never rejects. */
  async #writeSpool(): Promise<void> {
    while (this.#toSpool.length > 0) {
      const lines = this.#toSpool
      this.#toSpool = []
      let result: SpoolAppendResult
      try {
        result = await this.#spool.append(lines)
      } catch (error) {
        result = { written: 0, failure: error }
      }
      this.#spooled += result.written
      const lost = lines.length - result.written
      if (lost > 0) this.#drop(result.failure === null ? 'spool_full' : 'spool_error', lost, result.failure)
    }
  }

  async #replay(): Promise<void> {
    for (;;) {
      if (this.#isClosed) return
      // While the bus is failing one event probes it, rather than a whole batch of timeouts.
      const batchSize = this.#isBusFailing ? 1 : this.#settings.maxInFlight
      let batch: SpooledEvent[]
      try {
        batch = await this.#spool.nextBatch(batchSize)
      } catch (error) {
        this.#log.error({ err: error }, 'could not read the usage spool; retrying on the next round')
        return
      }
      if (batch.length === 0) {
        // Nothing left to probe the bus with: let the next live event try it.
        this.#setBusFailing(false, null)
        return
      }
      const stored = await this.#publishInOrder(batch)
      this.#replayed += stored
      try {
        await this.#spool.acknowledge(stored)
      } catch (error) {
        this.#log.error({ err: error }, 'could not remove a replayed usage spool segment; it will be replayed again')
        return
      }
      if (stored < batch.length) return
    }
  }

  /** Publishes a batch at once; resolves with how many from the first were stored without a gap. */
  async #publishInOrder(batch: readonly SpooledEvent[]): Promise<number> {
    this.#replayInFlight += batch.length
    const results = await Promise.allSettled(batch.map((event) => this.#send(event.id, event.line)))
    this.#replayInFlight -= batch.length
    const firstFailure = results.findIndex((result) => result.status === 'rejected')
    const failed = results[firstFailure]
    if (failed?.status === 'rejected') {
      this.#setBusFailing(true, failed.reason)
      return firstFailure
    }
    this.#setBusFailing(false, null)
    return batch.length
  }

  #drop(reason: UsageDropReason, count: number, error?: unknown): void {
    this.#dropped[reason] += count
    this.#log.error({ reason, count, droppedTotal: this.#dropped[reason], err: error }, 'usage events dropped')
  }

  #whenIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve()
    return new Promise((resolve) => this.#idleWaiters.push(resolve))
  }

  #isIdle(): boolean {
    return this.#head >= this.#queue.length && this.#inFlight === 0 && !this.#isSpoolWriting
  }

  #notifyIfIdle(): void {
    if (this.#idleWaiters.length === 0 || !this.#isIdle()) return
    const waiters = this.#idleWaiters
    this.#idleWaiters = []
    for (const resolve of waiters) resolve()
  }
}
