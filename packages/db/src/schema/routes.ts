import { jsonb, pgTable, text } from 'drizzle-orm/pg-core'
import { createdAt, updatedAt, version } from './columns.ts'

/**
 * How a model's deployments are chosen, retried, timed out and failed over. `policy` holds the
 * strategy, retries, timeouts and fallback conditions with defaults applied. Fallback models are
 * kept by id, in the order they are tried, so renaming a model does not break a route; Postgres
 * cannot enforce a foreign key on an array, so writers check that the ids exist.
 */
export const routes = pgTable('routes', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  policy: jsonb('policy').notNull(),
  fallbackModelIds: text('fallback_model_ids').array().notNull().default([]),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version(),
})
