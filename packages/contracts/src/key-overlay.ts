import { z } from 'zod'
import { SnapshotKey } from './snapshot-tenancy.ts'

export const KEY_OVERLAY_SCHEMA_VERSION = 1

/**
 * The keys that changed since a policy snapshot, published on the bus's `keys` channel so a key
 * minted, changed or revoked reaches every pod in milliseconds even when the whole policy is
 * tens of megabytes. Cumulative: each overlay carries every key changed since its base, whole,
 * so a pod that missed earlier overlays loses nothing. A pod applies it only on top of the
 * policy snapshot it names; a new policy snapshot replaces the overlay. Keys are never removed
 * by an overlay: deleting a key publishes a whole policy snapshot.
 */
export const KeyOverlay = z
  .strictObject({
    schemaVersion: z.literal(KEY_OVERLAY_SCHEMA_VERSION),
    /** From the same sequence as policy revisions, so it orders against them. */
    revision: z.int().positive(),
    /** The policy snapshot revision this overlay applies to. */
    baseRevision: z.int().positive(),
    generatedAt: z.iso.datetime({ offset: true }),
    keys: z.array(SnapshotKey),
  })
  .superRefine((overlay, ctx) => {
    if (overlay.revision <= overlay.baseRevision) {
      ctx.addIssue({ code: 'custom', message: 'revision must be above baseRevision', path: ['revision'] })
    }
    const ids = new Set<string>()
    const hashes = new Set<string>()
    overlay.keys.forEach((key, i) => {
      if (ids.has(key.id))
        ctx.addIssue({ code: 'custom', message: `duplicate key id "${key.id}"`, path: ['keys', i, 'id'] })
      if (hashes.has(key.hash))
        ctx.addIssue({ code: 'custom', message: 'duplicate key hash', path: ['keys', i, 'hash'] })
      ids.add(key.id)
      hashes.add(key.hash)
    })
  })
export type KeyOverlay = z.infer<typeof KeyOverlay>
