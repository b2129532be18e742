import { z } from 'zod'

export const COUNTER_DELTA_SCHEMA_VERSION = 1

/**
 * Most entries one message may carry. A pod sends what changed every interval and its whole
 * book at a slower checkpoint, split over several messages; at ~200 bytes an entry this keeps a
 * payload far below the 1 MiB NATS max payload.
 */
export const COUNTER_DELTA_MAX_ENTRIES = 1000

/**
 * One origin's count in one window. An origin is one run of one pod (its id plus a start nonce),
 * and its two totals only ever grow (a budget reservation released at settle time adds to
 * `removed`), so merging keeps the larger of each: a message that is repeated, late or out of
 * order changes nothing, and a pod that starts learns every origin's count from the next
 * checkpoint. The counter's value is the sum over origins of `added - removed`.
 */
export const CounterDeltaEntry = z.object({
  /** What is counted, e.g. `rl:<limitId>:requests` or `budget:<budgetId>`. */
  counterKey: z.string().min(1).max(256),
  /** The window the count belongs to (epoch ms). */
  windowStartMs: z.int().nonnegative(),
  /** When it ends; peers forget the entry once it has. */
  windowEndMs: z.int().positive(),
  origin: z.string().min(1).max(160),
  /** Requests, tokens or micro-USD. */
  added: z.int().nonnegative(),
  removed: z.int().nonnegative(),
})
export type CounterDeltaEntry = z.infer<typeof CounterDeltaEntry>

/**
 * The small, frequent, fire-and-forget message gateway pods exchange so that rate limits and
 * budgets, decided in memory, converge across pods. Every pod receives every message, its own
 * included: receivers skip messages whose `podId` is their own.
 */
export const CounterDelta = z.object({
  schemaVersion: z.literal(COUNTER_DELTA_SCHEMA_VERSION),
  podId: z.string().min(1).max(128),
  sentAt: z.iso.datetime({ offset: true }),
  entries: z.array(CounterDeltaEntry).max(COUNTER_DELTA_MAX_ENTRIES),
})
export type CounterDelta = z.infer<typeof CounterDelta>
