import { createHash } from 'node:crypto'
import { type Database, snapshotRevisions } from '@switchyard/db'
import { eq } from 'drizzle-orm'
import { compileSnapshot } from './compile-snapshot.ts'
import { readPolicyState } from './read-policy-state.ts'

export interface SnapshotSink {
  publishSnapshot(snapshot: { revision: number; body: Uint8Array }): Promise<unknown>
}

export interface PublishedSnapshot {
  readonly revision: number
  readonly checksum: string
  readonly sizeBytes: number
}

/**
 * Reads the current state, compiles it under a fresh revision, records the revision and hands
 * the bytes to the bus. Revisions come from a Postgres sequence, so they only grow, across
 * restarts and replicas alike.
 */
export async function publishSnapshot(db: Database, sink: SnapshotSink, now: () => Date): Promise<PublishedSnapshot> {
  // One repeatable-read transaction: every table is read from the same point in time, and the
  // revision row is written with it.
  const published = await db.transaction(
    async (tx) => {
      const [reserved] = await tx
        .insert(snapshotRevisions)
        .values({ checksum: 'pending', sizeBytes: 0 })
        .returning({ revision: snapshotRevisions.revision })
      if (!reserved) throw new Error('no snapshot revision was returned')
      const snapshot = compileSnapshot(await readPolicyState(tx), reserved.revision, now())
      const body = new TextEncoder().encode(JSON.stringify(snapshot))
      const checksum = createHash('sha256').update(body).digest('hex')
      await tx
        .update(snapshotRevisions)
        .set({ checksum, sizeBytes: body.byteLength })
        .where(eq(snapshotRevisions.revision, reserved.revision))
      return { revision: reserved.revision, checksum, body }
    },
    { isolationLevel: 'repeatable read' },
  )
  await sink.publishSnapshot({ revision: published.revision, body: published.body })
  return { revision: published.revision, checksum: published.checksum, sizeBytes: published.body.byteLength }
}
