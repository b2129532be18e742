import type { ConfigRoute } from '@switchyard/contracts'
import { type Database, routes } from '@switchyard/db'
import type { ChangeLog } from './change-log.ts'
import { idOf, newEntityId } from './row-change.ts'
import { changedKeys, type FieldsOf, writeEntry } from './write-entry.ts'

const fieldsOf: FieldsOf = (column, before, after) => {
  if (column === 'policy') return changedKeys(before, after)
  if (column === 'fallbackModelIds') return ['fallbacks']
  return [column]
}

/**
 * Upserts routes by name. Fallbacks are stored as model ids, so `modelIds` must already hold an
 * id for every model of the config (the models themselves are written next, in the same
 * transaction).
 */
export async function applyRoutes(
  tx: Database,
  log: ChangeLog,
  entries: readonly ConfigRoute[],
  modelIds: ReadonlyMap<string, string>,
): Promise<ReadonlyMap<string, string>> {
  const current = new Map((await tx.select().from(routes)).map((row) => [row.name, row]))
  const ids = new Map<string, string>()
  for (const { name, fallbacks, strategy, retries, timeouts, fallbackOn, cache } of entries) {
    const row = current.get(name)
    const id = row?.id ?? newEntityId('route')
    await writeEntry(tx, log, {
      table: routes,
      target: { section: 'routes', name, resourceType: 'route', resourceId: id, orgId: null, teamId: null },
      current: row,
      values: {
        name,
        policy: { strategy, retries, timeouts, fallbackOn, ...(cache === undefined ? {} : { cache }) },
        fallbackModelIds: fallbacks.map((model) => idOf(modelIds, model, `route ${name} falls back to`)),
      },
      fieldsOf,
    })
    ids.set(name, id)
  }
  return ids
}
