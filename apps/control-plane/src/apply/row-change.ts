import { randomUUID } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'

/** What applying one entry did to its row. */
export type RowChange = 'created' | 'updated' | 'unchanged'

/** Per-section counts of what an apply did. */
export interface SectionChanges {
  readonly created: number
  readonly updated: number
  readonly unchanged: number
}

export function countChanges(changes: readonly RowChange[]): SectionChanges {
  const count = (change: RowChange) => changes.filter((c) => c === change).length
  return { created: count('created'), updated: count('updated'), unchanged: count('unchanged') }
}

/** A fresh row id, `prov_…`, `model_…`: the prefix says what the id names. */
export function newEntityId(prefix: string): string {
  return `${prefix}_${randomUUID()}`
}

/**
 * The id an earlier step assigned to `name`. The config file's references are checked when it
 * is parsed, so a miss here is a bug, reported with `what` named.
 */
export function idOf(ids: ReadonlyMap<string, string>, name: string, what: string): string {
  const id = ids.get(name)
  if (id === undefined) throw new Error(`${what} ${JSON.stringify(name)}, which was not applied`)
  return id
}

/** Compares values as they are stored: jsonb keeps no key order and no undefined, dates are instants. */
export function isSameStoredValue(a: unknown, b: unknown): boolean {
  const normalise = (value: unknown): unknown => (value === undefined ? null : JSON.parse(JSON.stringify(value)))
  return isDeepStrictEqual(normalise(a), normalise(b))
}

/**
 * Whether writing `values` over `current` would create, change or keep its row. Only the columns
 * in `values` count, so columns an apply does not own (timestamps, a key's status) are ignored.
 */
export function changeOf(current: Readonly<Record<string, unknown>> | undefined, values: object): RowChange {
  if (current === undefined) return 'created'
  const isSame = Object.entries(values).every(([column, value]) => isSameStoredValue(current[column], value))
  return isSame ? 'unchanged' : 'updated'
}
