import { z } from 'zod'
import { encodeJson, parseJsonBytes } from './parse-json-bytes.ts'

export const SNAPSHOT_POINTER_SCHEMA_VERSION = 1

/**
 * The small record that makes a stored snapshot body current on its channel (NATS: the KV
 * value under the channel's key, see `SNAPSHOT_CHANNEL_NAMES`). Only the bus reads and writes it, but it travels between
 * processes, so it is versioned and parsed like any other bus payload.
 */
export const SnapshotPointer = z.object({
  schemaVersion: z.literal(SNAPSHOT_POINTER_SCHEMA_VERSION),
  revision: z.int().positive(),
  /** sha256 of the body, lowercase hex. */
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
  objectName: z.string().min(1).max(256),
  sizeBytes: z.int().nonnegative(),
  publishedAt: z.iso.datetime({ offset: true }),
})
export type SnapshotPointer = z.infer<typeof SnapshotPointer>

export function encodeSnapshotPointer(pointer: SnapshotPointer): Uint8Array {
  return encodeJson(pointer)
}

/** Null when the value is not JSON or not a valid pointer; the caller counts it. */
export function decodeSnapshotPointer(value: Uint8Array): SnapshotPointer | null {
  const json = parseJsonBytes(value)
  if (!json.isValid) return null
  const parsed = SnapshotPointer.safeParse(json.value)
  return parsed.success ? parsed.data : null
}
