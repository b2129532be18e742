import { createHash } from 'node:crypto'
import type { Bus } from '@switchyard/bus'
import { PolicySnapshot } from '@switchyard/contracts'
import { apiKeys, type Database, snapshotRevisions } from '@switchyard/db'
import { and, desc, eq, isNotNull, sql } from 'drizzle-orm'
import { compileSnapshot } from '../src/snapshot/compile-snapshot.ts'
import { readPolicyState } from '../src/snapshot/read-policy-state.ts'
import { wallMs } from './bench-children.ts'
import type { Round } from './snapshot-scale-report.ts'

const ms = (from: number) => performance.now() - from

/**
 * What `publishSnapshot` does, step by step with a clock on each (same transaction, same calls,
 * the same revision row with its read snapshot, so the control plane's next key overlay is laid
 * on it), and, measured apart, what the `PolicySnapshot` schema alone costs on this snapshot.
 */
export async function publishInPhases(db: Database, target: Bus): Promise<Round['controlPlane']> {
  const started = performance.now()
  const phases = await db.transaction(
    async (tx) => {
      const [reserved] = await tx
        .insert(snapshotRevisions)
        .values({ checksum: 'pending', sizeBytes: 0, kind: 'policy' })
        .returning({ revision: snapshotRevisions.revision })
      if (!reserved) throw new Error('no revision')
      const snapshotRows = (await tx.execute(sql`select pg_current_snapshot()::text as snapshot`)) as unknown as {
        rows: Array<{ snapshot: string }>
      }
      const readSnapshot = snapshotRows.rows[0]?.snapshot
      if (readSnapshot === undefined) throw new Error('pg_current_snapshot() returned nothing')
      let at = performance.now()
      const state = await readPolicyState(tx)
      const readMs = ms(at)
      at = performance.now()
      const snapshot = compileSnapshot(state, reserved.revision, new Date())
      const compileMs = ms(at)
      at = performance.now()
      const body = new TextEncoder().encode(JSON.stringify(snapshot))
      const serialiseMs = ms(at)
      at = performance.now()
      const checksum = createHash('sha256').update(body).digest('hex')
      const checksumMs = ms(at)
      await tx
        .update(snapshotRevisions)
        .set({ checksum, sizeBytes: body.byteLength, readSnapshot })
        .where(eq(snapshotRevisions.revision, reserved.revision))
      at = performance.now()
      PolicySnapshot.parse(snapshot)
      const schemaOnlyMs = ms(at)
      return { revision: reserved.revision, body, readMs, compileMs, serialiseMs, checksumMs, schemaOnlyMs }
    },
    { isolationLevel: 'repeatable read' },
  )
  const transactionMs = ms(started) - phases.schemaOnlyMs
  const publishAt = performance.now()
  await target.publishSnapshot({ revision: phases.revision, body: phases.body, channel: 'policy' })
  const publishMs = ms(publishAt)
  return {
    publishReturnedAtMs: wallMs(),
    revision: phases.revision,
    sizeBytes: phases.body.byteLength,
    readMs: phases.readMs,
    compileMs: phases.compileMs,
    schemaOnlyMs: phases.schemaOnlyMs,
    serialiseMs: phases.serialiseMs,
    checksumMs: phases.checksumMs,
    transactionMs,
    publishMs,
    totalMs: transactionMs + publishMs,
  }
}

/**
 * The query `publishKeyOverlay` selects changed keys with (keys whose writing transaction the
 * latest policy snapshot's read could not see), timed alone: three runs, in milliseconds.
 */
export async function timeOverlayQuery(db: Database): Promise<number[]> {
  const [base] = await db
    .select({ readSnapshot: snapshotRevisions.readSnapshot })
    .from(snapshotRevisions)
    .where(and(eq(snapshotRevisions.kind, 'policy'), isNotNull(snapshotRevisions.readSnapshot)))
    .orderBy(desc(snapshotRevisions.revision))
    .limit(1)
  if (base?.readSnapshot == null) throw new Error('no policy snapshot with a read snapshot')
  const timings: number[] = []
  for (let run = 0; run < 3; run += 1) {
    const started = performance.now()
    await db
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(
        sql`changed_xid is not null and not pg_visible_in_snapshot(changed_xid, ${base.readSnapshot}::pg_snapshot)`,
      )
    timings.push(ms(started))
  }
  return timings
}
