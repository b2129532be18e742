import type { UsageMessage, UsagePublishResult } from './bus.ts'
import type { BusClock } from './bus-clock.ts'
import { UsageQueueFullError } from './bus-errors.ts'

export interface InProcessUsageLogOptions {
  /** Messages held at most (stored and not finished by every durable); publishes beyond are rejected. */
  readonly maxPendingUsage: number
  /** A publish repeating an id seen within this window is a duplicate (like JetStream's `duplicate_window`). */
  readonly duplicateWindowMs: number
  /** Ids remembered at most for duplicate detection; the oldest are forgotten first (bounded memory). */
  readonly maxDuplicateIds: number
  readonly clock: BusClock
}

interface LogEntry {
  readonly id: string
  readonly body: Uint8Array
  /** Durables that have not finished (acked or termed) this message yet. */
  remaining: number
}

/** A message a durable delivered at least once and has not finished. */
interface Outstanding {
  deliveryCount: number
  /** Increases with every delivery, so a late timer or nak of an earlier delivery is ignored. */
  delivery: number
  isInFlight: boolean
  cancelTimer: (() => void) | undefined
}

export interface UsageDurable {
  ackWaitMs: number
  maxAckPending: number
  /** Next sequence not yet delivered by this durable. */
  cursor: number
  readonly outstanding: Map<number, Outstanding>
  /** Sequences due for redelivery (ack timeout or nak), oldest first. */
  readonly ready: number[]
  inFlight: number
  readonly waiters: Set<() => void>
}

export interface DurableSettings {
  readonly ackWaitMs: number
  readonly maxAckPending: number
}

/**
 * The in-process twin of the JetStream usage stream plus its durable consumers: a log of
 * messages, each durable with a cursor, ack-wait timers, naks and redelivery; a message is
 * dropped once every durable finished it (kept while no durable exists yet, so nothing is
 * lost before the ingester starts). A durable created later starts at the oldest message
 * still held, which differs from NATS (limits retention keeps acked messages for days).
 */
export class InProcessUsageLog {
  readonly #entries = new Map<number, LogEntry>()
  #nextSequence = 1
  /** id → time stored; insertion order is time order. */
  readonly #recentIds = new Map<string, number>()
  readonly #durables = new Map<string, UsageDurable>()
  readonly #options: InProcessUsageLogOptions

  constructor(options: InProcessUsageLogOptions) {
    this.#options = options
  }

  get depth(): number {
    return this.#entries.size
  }

  publish(id: string, body: Uint8Array): UsagePublishResult {
    this.#forgetExpiredIds()
    if (this.#recentIds.has(id)) return { isDuplicate: true }
    if (this.#entries.size >= this.#options.maxPendingUsage)
      throw new UsageQueueFullError(this.#options.maxPendingUsage)
    const sequence = this.#nextSequence
    this.#nextSequence += 1
    this.#entries.set(sequence, { id, body: body.slice(), remaining: this.#durables.size })
    this.#recentIds.set(id, this.#options.clock.now())
    if (this.#recentIds.size > this.#options.maxDuplicateIds) this.#forgetOldestId()
    for (const durable of this.#durables.values()) wake(durable)
    return { isDuplicate: false }
  }

  /** Creates the durable on first use; later calls update its ack wait and ack-pending limit. */
  openDurable(name: string, settings: DurableSettings): UsageDurable {
    const existing = this.#durables.get(name)
    if (existing) {
      existing.ackWaitMs = settings.ackWaitMs
      existing.maxAckPending = settings.maxAckPending
      return existing
    }
    let oldest = this.#nextSequence
    for (const [sequence, entry] of this.#entries) {
      entry.remaining += 1
      oldest = Math.min(oldest, sequence)
    }
    const durable: UsageDurable = {
      ...settings,
      cursor: oldest,
      outstanding: new Map(),
      ready: [],
      inFlight: 0,
      waiters: new Set(),
    }
    this.#durables.set(name, durable)
    return durable
  }

  /** The next message for this durable, waiting for one; null once `signal` aborts. */
  async next(durable: UsageDurable, signal: AbortSignal): Promise<UsageMessage | null> {
    while (!signal.aborted) {
      const message = this.#take(durable)
      if (message) return message
      await waitForWake(durable, signal)
    }
    return null
  }

  /** Cancels every timer (the log is being thrown away). */
  dispose(): void {
    for (const durable of this.#durables.values()) {
      for (const outstanding of durable.outstanding.values()) outstanding.cancelTimer?.()
      wake(durable)
    }
  }

  #take(durable: UsageDurable): UsageMessage | null {
    if (durable.inFlight >= durable.maxAckPending) return null
    while (durable.ready.length > 0) {
      const sequence = durable.ready.shift() as number
      const outstanding = durable.outstanding.get(sequence)
      if (outstanding && !outstanding.isInFlight) return this.#deliver(durable, sequence, outstanding)
    }
    while (durable.cursor < this.#nextSequence) {
      const sequence = durable.cursor
      durable.cursor += 1
      if (this.#entries.has(sequence)) {
        const outstanding: Outstanding = { deliveryCount: 0, delivery: 0, isInFlight: false, cancelTimer: undefined }
        durable.outstanding.set(sequence, outstanding)
        return this.#deliver(durable, sequence, outstanding)
      }
    }
    return null
  }

  #deliver(durable: UsageDurable, sequence: number, outstanding: Outstanding): UsageMessage | null {
    const entry = this.#entries.get(sequence)
    if (!entry) {
      durable.outstanding.delete(sequence)
      return null
    }
    outstanding.deliveryCount += 1
    outstanding.delivery += 1
    outstanding.isInFlight = true
    durable.inFlight += 1
    const delivery = outstanding.delivery
    outstanding.cancelTimer = this.#options.clock.setTimeout(() => {
      if (this.#endDelivery(durable, sequence, delivery)) this.#makeReady(durable, sequence)
    }, durable.ackWaitMs)
    return {
      id: entry.id,
      body: entry.body,
      deliveryCount: outstanding.deliveryCount,
      ack: async () => this.#finish(durable, sequence),
      nak: (delayMs) => this.#nak(durable, sequence, delivery, delayMs ?? 0),
      term: () => this.#finish(durable, sequence),
    }
  }

  /** Takes a delivery out of flight if it is still the current one. */
  #endDelivery(durable: UsageDurable, sequence: number, delivery: number): boolean {
    const outstanding = durable.outstanding.get(sequence)
    if (!outstanding || outstanding.delivery !== delivery || !outstanding.isInFlight) return false
    outstanding.cancelTimer?.()
    outstanding.cancelTimer = undefined
    outstanding.isInFlight = false
    durable.inFlight -= 1
    return true
  }

  #nak(durable: UsageDurable, sequence: number, delivery: number, delayMs: number): void {
    if (!this.#endDelivery(durable, sequence, delivery)) return
    if (delayMs <= 0) {
      this.#makeReady(durable, sequence)
      return
    }
    const outstanding = durable.outstanding.get(sequence)
    if (!outstanding) return
    outstanding.cancelTimer = this.#options.clock.setTimeout(() => {
      outstanding.cancelTimer = undefined
      this.#makeReady(durable, sequence)
    }, delayMs)
    wake(durable)
  }

  #makeReady(durable: UsageDurable, sequence: number): void {
    durable.ready.push(sequence)
    wake(durable)
  }

  /** Ack or term: the durable is done with the message, whichever delivery it came from. */
  #finish(durable: UsageDurable, sequence: number): void {
    const outstanding = durable.outstanding.get(sequence)
    if (!outstanding) return
    outstanding.cancelTimer?.()
    if (outstanding.isInFlight) durable.inFlight -= 1
    durable.outstanding.delete(sequence)
    const entry = this.#entries.get(sequence)
    if (entry) {
      entry.remaining -= 1
      if (entry.remaining <= 0) this.#entries.delete(sequence)
    }
    wake(durable)
  }

  #forgetExpiredIds(): void {
    const cutoff = this.#options.clock.now() - this.#options.duplicateWindowMs
    for (const [id, storedAt] of this.#recentIds) {
      if (storedAt > cutoff) return
      this.#recentIds.delete(id)
    }
  }

  #forgetOldestId(): void {
    for (const id of this.#recentIds.keys()) {
      this.#recentIds.delete(id)
      return
    }
  }
}

function wake(durable: UsageDurable): void {
  for (const waiter of [...durable.waiters]) waiter()
}

function waitForWake(durable: UsageDurable, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      durable.waiters.delete(done)
      signal.removeEventListener('abort', done)
      resolve()
    }
    durable.waiters.add(done)
    signal.addEventListener('abort', done, { once: true })
  })
}
