import {
  COUNTER_DELTA_MAX_ENTRIES,
  COUNTER_DELTA_SCHEMA_VERSION,
  type CounterDelta,
  type CounterDeltaEntry,
} from '@switchyard/contracts'
import type { Logger } from '@switchyard/http-server'
import type { CounterBook, Sharing } from '@switchyard/policy'

/** What the exchange needs of the bus: fire-and-forget broadcast and a subscription. */
export interface CounterTransport {
  publishCounters(delta: CounterDelta): void
  subscribeCounters(): AsyncIterableIterator<CounterDelta>
}

export interface CounterExchangeSettings {
  /** How often this pod sends what it counted since the last send. */
  readonly syncIntervalMs: number
  /** How often it sends its whole book, so pods that start or missed messages catch up. */
  readonly checkpointIntervalMs: number
}

export const DEFAULT_COUNTER_EXCHANGE: CounterExchangeSettings = { syncIntervalMs: 100, checkpointIntervalMs: 5_000 }

export interface CounterExchangeStats {
  readonly messagesSent: number
  readonly messagesReceived: number
  readonly sendFailures: number
}

/**
 * Keeps the pods' counter books converging: every `syncIntervalMs` this pod broadcasts its own
 * changed totals, every `checkpointIntervalMs` everything it knows (its peers' totals too, so a
 * pod that restarted relearns even its previous run's counts), and it merges what peers send.
 * Messages are fire-and-forget: a lost one is made good by the next, since totals only grow.
 */
export class CounterExchange {
  readonly #book: CounterBook
  readonly #transport: CounterTransport
  readonly #settings: CounterExchangeSettings
  readonly #log: Logger
  readonly #now: () => number
  #timers: NodeJS.Timeout[] = []
  #subscription: AsyncIterableIterator<CounterDelta> | undefined
  #stats = { messagesSent: 0, messagesReceived: 0, sendFailures: 0 }
  /** When each peer origin was last heard from. */
  readonly #peersHeard = new Map<string, number>()

  constructor(options: {
    book: CounterBook
    transport: CounterTransport
    log: Logger
    now: () => number
    settings?: Partial<CounterExchangeSettings>
  }) {
    this.#book = options.book
    this.#transport = options.transport
    this.#log = options.log
    this.#now = options.now
    this.#settings = { ...DEFAULT_COUNTER_EXCHANGE, ...options.settings }
  }

  start(): void {
    const subscription = this.#transport.subscribeCounters()
    this.#subscription = subscription
    void this.#receive(subscription)
    // Say hello at once, so peers count this pod before its first checkpoint.
    this.#send([], true)
    const sync = setInterval(() => this.#send(this.#book.takeChanged(this.#now())), this.#settings.syncIntervalMs)
    const checkpoint = setInterval(() => {
      this.#book.prune(this.#now())
      // Sent even when empty: it is also how peers know this pod is alive.
      this.#send(this.#book.everything(), true)
    }, this.#settings.checkpointIntervalMs)
    sync.unref()
    checkpoint.unref()
    this.#timers = [sync, checkpoint]
  }

  /**
   * Pods sharing the counts, this one included: the peers heard from within two and a half
   * checkpoint intervals. Admission divides what is left among them.
   */
  pods(): number {
    const since = this.#now() - 2.5 * this.#settings.checkpointIntervalMs
    let live = 1
    for (const [origin, heardAt] of this.#peersHeard) {
      if (heardAt >= since) live += 1
      else this.#peersHeard.delete(origin)
    }
    return live
  }

  /**
   * For admission: the live pods, and how long after a send this pod's counts are taken as known
   * to them (three sync intervals: delivery plus a loaded peer's event-loop delay).
   */
  sharing(): Sharing {
    return { pods: this.pods(), graceMs: 3 * this.#settings.syncIntervalMs }
  }

  stats(): CounterExchangeStats {
    return { ...this.#stats }
  }

  /** Sends what is left and stops. */
  async stop(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer)
    this.#timers = []
    this.#send(this.#book.takeChanged(this.#now()))
    // Ends the subscription; the receive loop finishes on its own when the bus closes.
    void this.#subscription?.return?.()
  }

  #send(entries: readonly CounterDeltaEntry[], evenIfEmpty = false): void {
    const end = evenIfEmpty ? Math.max(1, entries.length) : entries.length
    for (let start = 0; start < end; start += COUNTER_DELTA_MAX_ENTRIES) {
      const delta: CounterDelta = {
        schemaVersion: COUNTER_DELTA_SCHEMA_VERSION,
        podId: this.#book.origin,
        sentAt: new Date(this.#now()).toISOString(),
        entries: entries.slice(start, start + COUNTER_DELTA_MAX_ENTRIES),
      }
      try {
        this.#transport.publishCounters(delta)
        this.#stats.messagesSent += 1
      } catch (error) {
        // The next checkpoint carries these totals again.
        this.#stats.sendFailures += 1
        this.#log.debug({ err: error }, 'counter message not sent')
      }
    }
  }

  async #receive(subscription: AsyncIterableIterator<CounterDelta>): Promise<void> {
    try {
      for await (const delta of subscription) {
        if (delta.podId === this.#book.origin) continue
        this.#stats.messagesReceived += 1
        this.#peersHeard.set(delta.podId, this.#now())
        this.#book.merge(delta.entries)
      }
    } catch (error) {
      this.#log.error({ err: error }, 'counter subscription ended with an error')
    }
  }
}
