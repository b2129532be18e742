import type { CounterDeltaEntry } from '@switchyard/contracts'

/** One origin's grow-only totals in one window. */
interface OriginCount {
  added: number
  removed: number
}

interface WindowCounts {
  readonly counterKey: string
  readonly windowStartMs: number
  readonly windowEndMs: number
  readonly origins: Map<string, OriginCount>
  /** The sum over origins of `added - removed`, kept up to date. */
  value: number
}

const slot = (counterKey: string, windowStartMs: number) => `${counterKey}\u0000${windowStartMs}`

/**
 * The counts a pod knows for rate limits and budgets: per counter and window, one pair of
 * grow-only totals per origin (a pod's run), so that merging what peers send is a max per total
 * — repeated, late and reordered messages change nothing — and a counter's value is the sum.
 * This pod only ever changes its own origin's totals. Pure: no clock, no I/O.
 */
export class CounterBook {
  readonly origin: string
  readonly #windows = new Map<string, WindowCounts>()
  readonly #changed = new Set<string>()
  /** This pod's net count per slot each time it sent it, oldest first, with when. */
  readonly #sent = new Map<string, Array<{ readonly atMs: number; readonly value: number }>>()

  constructor(origin: string) {
    this.origin = origin
  }

  /** Adds `amount` (negative to take away) to this pod's count of a counter in a window. */
  add(counterKey: string, windowStartMs: number, windowEndMs: number, amount: number): void {
    if (amount === 0) return
    const id = slot(counterKey, windowStartMs)
    const counts = this.#window(id, counterKey, windowStartMs, windowEndMs)
    const own = counts.origins.get(this.origin) ?? { added: 0, removed: 0 }
    if (amount > 0) own.added += amount
    else own.removed -= amount
    counts.origins.set(this.origin, own)
    counts.value += amount
    this.#changed.add(id)
  }

  /** The counter's value in a window: every origin's count, this pod's included. */
  value(counterKey: string, windowStartMs: number): number {
    return this.#windows.get(slot(counterKey, windowStartMs))?.value ?? 0
  }

  /**
   * What this pod counted in a window that its peers may not know yet: everything since the last
   * send at least `graceMs` old (a message needs time to reach them, longer on a loaded pod).
   * Admission keeps it to a fair share of what is left.
   */
  unsent(counterKey: string, windowStartMs: number, nowMs: number, graceMs: number): number {
    const id = slot(counterKey, windowStartMs)
    const own = this.#windows.get(id)?.origins.get(this.origin)
    if (own === undefined) return 0
    let known = 0
    for (const sent of this.#sent.get(id) ?? []) if (sent.atMs <= nowMs - graceMs) known = sent.value
    return own.added - own.removed - known
  }

  /** Takes in what peers sent (or what this pod sent before a restart, relayed by them). */
  merge(entries: readonly CounterDeltaEntry[]): void {
    for (const entry of entries) {
      if (entry.origin === this.origin) continue
      const id = slot(entry.counterKey, entry.windowStartMs)
      const counts = this.#window(id, entry.counterKey, entry.windowStartMs, entry.windowEndMs)
      const known = counts.origins.get(entry.origin)
      const added = Math.max(known?.added ?? 0, entry.added)
      const removed = Math.max(known?.removed ?? 0, entry.removed)
      counts.value += added - removed - ((known?.added ?? 0) - (known?.removed ?? 0))
      counts.origins.set(entry.origin, { added, removed })
    }
  }

  /** This pod's entries that changed since the last call: what the next message carries, sent at `nowMs`. */
  takeChanged(nowMs = 0): CounterDeltaEntry[] {
    const entries: CounterDeltaEntry[] = []
    for (const id of this.#changed) {
      const counts = this.#windows.get(id)
      const own = counts?.origins.get(this.origin)
      if (counts && own) {
        entries.push(entryOf(counts, this.origin, own))
        const history = this.#sent.get(id) ?? []
        history.push({ atMs: nowMs, value: own.added - own.removed })
        // A handful of sends covers any grace period worth having.
        if (history.length > 16) history.shift()
        this.#sent.set(id, history)
      }
    }
    this.#changed.clear()
    return entries
  }

  /**
   * Every origin's entries of every live window: the periodic checkpoint, from which a pod that
   * just started (or missed messages) learns the counts, its own earlier runs' included.
   */
  everything(): CounterDeltaEntry[] {
    const entries: CounterDeltaEntry[] = []
    for (const counts of this.#windows.values()) {
      for (const [origin, totals] of counts.origins) entries.push(entryOf(counts, origin, totals))
    }
    return entries
  }

  /** Forgets windows that ended before `nowMs`. */
  prune(nowMs: number): void {
    for (const [id, counts] of this.#windows) {
      if (counts.windowEndMs <= nowMs) {
        this.#windows.delete(id)
        this.#changed.delete(id)
        this.#sent.delete(id)
      }
    }
  }

  get size(): number {
    return this.#windows.size
  }

  #window(id: string, counterKey: string, windowStartMs: number, windowEndMs: number): WindowCounts {
    let counts = this.#windows.get(id)
    if (counts === undefined) {
      counts = { counterKey, windowStartMs, windowEndMs, origins: new Map(), value: 0 }
      this.#windows.set(id, counts)
    }
    return counts
  }
}

function entryOf(counts: WindowCounts, origin: string, totals: OriginCount): CounterDeltaEntry {
  return {
    counterKey: counts.counterKey,
    windowStartMs: counts.windowStartMs,
    windowEndMs: counts.windowEndMs,
    origin,
    added: totals.added,
    removed: totals.removed,
  }
}
