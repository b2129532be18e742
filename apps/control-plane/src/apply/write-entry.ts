import type { Database } from '@switchyard/db'
import { eq, sql } from 'drizzle-orm'
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core'
import type { ChangeLog, ChangeTarget } from './change-log.ts'
import { isSameStoredValue, type RowChange } from './row-change.ts'

/** A table whose rows carry an id, a version bumped on every change, and `updated_at`. */
export type VersionedTable = PgTable & { id: AnyPgColumn; version: AnyPgColumn; updatedAt: AnyPgColumn }

type Row = Readonly<Record<string, unknown>>

/** Names the config-file fields a changed column stands for. */
export type FieldsOf = (column: string, before: unknown, after: unknown) => readonly string[]

/** For jsonb columns holding config fields (a route's policy, a provider's target): the keys that differ. */
export function changedKeys(before: unknown, after: unknown): string[] {
  const record = (value: unknown): Row => (typeof value === 'object' && value !== null ? (value as Row) : {})
  const [a, b] = [record(before), record(after)]
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => !isSameStoredValue(a[key], b[key]))
}

export interface EntryWrite {
  readonly table: VersionedTable
  readonly target: ChangeTarget
  /** The row as it is, if it exists. */
  readonly current: Row | undefined
  /** The columns the config file owns; other columns (status, timestamps) are left alone. */
  readonly values: Row
  readonly fieldsOf?: FieldsOf
  /**
   * Writes entries owned by this one (a model's deployments, a user's roles) once the row exists,
   * and returns the config fields they changed: a change there is a change of this entry too.
   */
  readonly children?: (id: string) => Promise<readonly string[]>
}

/**
 * Creates or updates one entry's row, only if something differs: an update bumps `version` and
 * `updated_at`; an unchanged row is not written at all. Records the change and its audit entry.
 */
export async function writeEntry(tx: Database, log: ChangeLog, write: EntryWrite): Promise<RowChange> {
  const { table, target, current, values } = write
  const id = target.resourceId
  if (current === undefined) {
    await tx.insert(table).values({ id, ...values } as never)
    await write.children?.(id)
    log.created(target, { id, ...values })
    return 'created'
  }
  const fieldsOf = write.fieldsOf ?? ((column: string) => [column])
  const fields = Object.entries(values)
    .filter(([column, value]) => !isSameStoredValue(current[column], value))
    .flatMap(([column, value]) => {
      const named = fieldsOf(column, current[column], value)
      return named.length > 0 ? named : [column]
    })
  const childFields = (await write.children?.(id)) ?? []
  const changed = [...new Set([...fields, ...childFields])]
  if (changed.length === 0) return 'unchanged'
  await tx
    .update(table)
    .set({ ...values, version: sql`${table.version} + 1`, updatedAt: sql`now()` } as never)
    .where(eq(table.id, id))
  log.updated(target, changed, current, { ...current, ...values })
  return 'updated'
}
