import { z } from 'zod'

// Placeholder until the snapshot schema lands (owned by the config work stream).
export const SNAPSHOT_SCHEMA_VERSION = 1
export const PolicySnapshot = z.object({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  revision: z.int().positive(),
})
export type PolicySnapshot = z.infer<typeof PolicySnapshot>
