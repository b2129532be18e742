import { z } from 'zod'

export const COUNTER_DELTA_SCHEMA_VERSION = 1

/**
 * Most entries one delta may carry. A pod flushes its counters every interval and splits a
 * larger set over several messages; at ~300 bytes an entry this keeps a payload far below
 * the 1 MiB NATS max payload.
 */
export const COUNTER_DELTA_MAX_ENTRIES = 1000

/** One counter's change since the pod's previous flush. */
export const CounterDeltaEntry = z.object({
  /** What is counted, e.g. `rpm:key:<keyId>` or `spend:budget:<budgetId>:<windowStartMs>`. */
  counterKey: z.string().min(1).max(256),
  /** Start of the window the change belongs to (epoch ms); peers drop entries of windows they have left. */
  windowStartMs: z.int().nonnegative(),
  /** Requests, tokens or micro-USD. Negative when a budget reservation is released at settle time. */
  delta: z.int(),
})
export type CounterDeltaEntry = z.infer<typeof CounterDeltaEntry>

/**
 * The small, frequent, fire-and-forget message gateway pods exchange so that rate limits and
 * budgets, decided in memory, converge across pods. Every pod receives every delta, its own
 * included: receivers skip deltas whose `podId` is their own (they already counted them locally).
 */
export const CounterDelta = z.object({
  schemaVersion: z.literal(COUNTER_DELTA_SCHEMA_VERSION),
  podId: z.string().min(1).max(128),
  sentAt: z.iso.datetime({ offset: true }),
  entries: z.array(CounterDeltaEntry).max(COUNTER_DELTA_MAX_ENTRIES),
})
export type CounterDelta = z.infer<typeof CounterDelta>
