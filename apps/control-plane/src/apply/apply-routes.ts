import type { ConfigRoute } from '@switchyard/contracts'
import { type Database, routes } from '@switchyard/db'
import { eq, sql } from 'drizzle-orm'
import { changeOf, countChanges, idOf, newEntityId, type RowChange, type SectionChanges } from './row-change.ts'

/**
 * Upserts routes by name. Fallbacks are stored as model ids, so `modelIds` must already hold an
 * id for every model of the config (the models themselves are written next, in the same
 * transaction).
 */
export async function applyRoutes(
  tx: Database,
  entries: readonly ConfigRoute[],
  modelIds: ReadonlyMap<string, string>,
): Promise<{ ids: ReadonlyMap<string, string>; changes: SectionChanges }> {
  const current = new Map((await tx.select().from(routes)).map((row) => [row.name, row]))
  const ids = new Map<string, string>()
  const changes: RowChange[] = []
  for (const { name, fallbacks, strategy, retries, timeouts, fallbackOn } of entries) {
    const row = current.get(name)
    const id = row?.id ?? newEntityId('route')
    const values = {
      name,
      policy: { strategy, retries, timeouts, fallbackOn },
      fallbackModelIds: fallbacks.map((model) => idOf(modelIds, model, `route ${name} falls back to`)),
    }
    const change = changeOf(row, values)
    if (change === 'created') await tx.insert(routes).values({ id, ...values })
    if (change === 'updated')
      await tx
        .update(routes)
        .set({ ...values, updatedAt: sql`now()` })
        .where(eq(routes.id, id))
    ids.set(name, id)
    changes.push(change)
  }
  return { ids, changes: countChanges(changes) }
}
