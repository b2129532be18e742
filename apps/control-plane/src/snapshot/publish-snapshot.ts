import { createHash } from 'node:crypto'
import { KEY_OVERLAY_SCHEMA_VERSION, KeyOverlay } from '@switchyard/contracts'
import { apiKeys, type Database, snapshotRevisions } from '@switchyard/db'
import { and, desc, eq, sql } from 'drizzle-orm'
import { readBudgetBaselines, type SpendSource } from './budget-baselines.ts'
import { compileKey, compileSnapshot } from './compile-snapshot.ts'
import { parseKeyRow, readPolicyState } from './read-policy-state.ts'

export interface SnapshotSink {
  publishSnapshot(snapshot: { revision: number; body: Uint8Array; channel?: 'policy' | 'keys' }): Promise<unknown>
}

export interface PublishedSnapshot {
  readonly revision: number
  readonly checksum: string
  readonly sizeBytes: number
}

export interface PublishedOverlay extends PublishedSnapshot {
  readonly baseRevision: number
  readonly keyCount: number
}

const sha256 = (body: Uint8Array) => createHash('sha256').update(body).digest('hex')

/**
 * Reads the current state (and, given a spend source, each budget's spend so far this window),
 * compiles it under a fresh revision, records the revision with the Postgres snapshot it was
 * read at, and hands the bytes to the bus. Revisions come from a
 * Postgres sequence, so they only grow, across restarts and replicas alike.
 */
export async function publishSnapshot(
  db: Database,
  sink: SnapshotSink,
  now: () => Date,
  spend?: SpendSource,
): Promise<PublishedSnapshot> {
  // One repeatable-read transaction: every table is read from the same point in time, and the
  // revision row is written with it.
  const published = await db.transaction(
    async (tx) => {
      const [reserved] = await tx
        .insert(snapshotRevisions)
        .values({ checksum: 'pending', sizeBytes: 0, kind: 'policy' })
        .returning({ revision: snapshotRevisions.revision })
      if (!reserved) throw new Error('no snapshot revision was returned')
      // The transaction's snapshot, taken at its first statement: what every read below sees.
      const readSnapshot = await currentSnapshot(tx)
      const state = await readPolicyState(tx)
      const at = now()
      const budgetBaselines = spend === undefined ? undefined : await readBudgetBaselines(state.budgets, spend, at)
      const snapshot = compileSnapshot({ ...state, ...(budgetBaselines && { budgetBaselines }) }, reserved.revision, at)
      const body = new TextEncoder().encode(JSON.stringify(snapshot))
      const checksum = sha256(body)
      await tx
        .update(snapshotRevisions)
        .set({ checksum, sizeBytes: body.byteLength, readSnapshot })
        .where(eq(snapshotRevisions.revision, reserved.revision))
      return { revision: reserved.revision, checksum, body }
    },
    { isolationLevel: 'repeatable read' },
  )
  await sink.publishSnapshot({ revision: published.revision, body: published.body, channel: 'policy' })
  return { revision: published.revision, checksum: published.checksum, sizeBytes: published.body.byteLength }
}

export type OverlayOutcome =
  | { readonly kind: 'published'; readonly overlay: PublishedOverlay }
  /** No key changed since the latest policy snapshot. */
  | { readonly kind: 'empty'; readonly baseRevision: number }
  /** There is no policy snapshot to lay it on, or the overlay would be too big: publish a policy snapshot. */
  | { readonly kind: 'needs-policy'; readonly reason: string }

/**
 * Publishes the keys that changed since the latest policy snapshot, whole, on the `keys`
 * channel. "Changed since" is exact: a key whose last writing transaction the policy
 * snapshot's read could not see (`pg_visible_in_snapshot`), whenever it committed. Past
 * `maxKeys` changed keys the caller should publish a whole policy snapshot instead.
 */
export async function publishKeyOverlay(
  db: Database,
  sink: SnapshotSink,
  now: () => Date,
  maxKeys: number,
): Promise<OverlayOutcome> {
  const compiled = await db.transaction(
    async (
      tx,
    ): Promise<
      | OverlayOutcome
      | { kind: 'ready'; revision: number; baseRevision: number; body: Uint8Array; checksum: string; keyCount: number }
    > => {
      const [base] = await tx
        .select({ revision: snapshotRevisions.revision, readSnapshot: snapshotRevisions.readSnapshot })
        .from(snapshotRevisions)
        .where(and(eq(snapshotRevisions.kind, 'policy'), sql`${snapshotRevisions.readSnapshot} is not null`))
        .orderBy(desc(snapshotRevisions.revision))
        .limit(1)
      if (base?.readSnapshot == null) return { kind: 'needs-policy', reason: 'no policy snapshot to lay keys on' }
      const changed = await tx.select().from(apiKeys).where(
        // Every transaction older than the snapshot's xmin had ended when it was taken, so only
        // keys written at or after it can be missing: the index narrows the scan to those.
        sql`changed_xid >= pg_snapshot_xmin(${base.readSnapshot}::pg_snapshot) and not pg_visible_in_snapshot(changed_xid, ${base.readSnapshot}::pg_snapshot)`,
      )
      if (changed.length === 0) return { kind: 'empty', baseRevision: base.revision }
      if (changed.length > maxKeys) {
        return { kind: 'needs-policy', reason: `${changed.length} keys changed since revision ${base.revision}` }
      }
      const [reserved] = await tx
        .insert(snapshotRevisions)
        .values({ checksum: 'pending', sizeBytes: 0, kind: 'keys', baseRevision: base.revision })
        .returning({ revision: snapshotRevisions.revision })
      if (!reserved) throw new Error('no snapshot revision was returned')
      const overlay = KeyOverlay.parse({
        schemaVersion: KEY_OVERLAY_SCHEMA_VERSION,
        revision: reserved.revision,
        baseRevision: base.revision,
        generatedAt: now().toISOString(),
        keys: changed
          .map(parseKeyRow)
          .map(compileKey)
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      })
      const body = new TextEncoder().encode(JSON.stringify(overlay))
      const checksum = sha256(body)
      await tx
        .update(snapshotRevisions)
        .set({ checksum, sizeBytes: body.byteLength })
        .where(eq(snapshotRevisions.revision, reserved.revision))
      return {
        kind: 'ready',
        revision: reserved.revision,
        baseRevision: base.revision,
        body,
        checksum,
        keyCount: overlay.keys.length,
      }
    },
    { isolationLevel: 'repeatable read' },
  )
  if (compiled.kind !== 'ready') return compiled
  await sink.publishSnapshot({ revision: compiled.revision, body: compiled.body, channel: 'keys' })
  return {
    kind: 'published',
    overlay: {
      revision: compiled.revision,
      baseRevision: compiled.baseRevision,
      checksum: compiled.checksum,
      sizeBytes: compiled.body.byteLength,
      keyCount: compiled.keyCount,
    },
  }
}

async function currentSnapshot(tx: Database): Promise<string> {
  const result = (await tx.execute(sql`select pg_current_snapshot()::text as snapshot`)) as unknown as {
    rows: Array<{ snapshot: string }>
  }
  const snapshot = result.rows[0]?.snapshot
  if (snapshot === undefined) throw new Error('pg_current_snapshot() returned nothing')
  return snapshot
}
