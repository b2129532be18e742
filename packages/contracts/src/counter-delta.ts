import { z } from 'zod'

// Placeholder until the counter exchange lands (owned by the bus work stream).
export const COUNTER_DELTA_SCHEMA_VERSION = 1
export const CounterDelta = z.object({ schemaVersion: z.literal(COUNTER_DELTA_SCHEMA_VERSION) })
export type CounterDelta = z.infer<typeof CounterDelta>
