import { index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, updatedAt, version } from './columns.ts'
import { models } from './models.ts'
import { providers } from './providers.ts'

/**
 * One upstream model at one provider serving a virtual model. A deployment is identified by
 * (model, provider, upstream model), so reordering or reweighting keeps its id (and the usage
 * and health history attached to it); `position` only orders it. Deleting a model deletes its
 * deployments; a provider that still serves one cannot be deleted.
 */
export const deployments = pgTable(
  'deployments',
  {
    id: text('id').primaryKey(),
    modelId: text('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    providerId: text('provider_id')
      .notNull()
      .references(() => providers.id, { onDelete: 'restrict' }),
    upstreamModel: text('upstream_model').notNull(),
    weight: integer('weight').notNull(),
    /** Integer micro-USD per million tokens (a `ModelPrice`). */
    prices: jsonb('prices').notNull(),
    /** The provider account's own limits for this deployment (a `ThroughputLimit`); null: none. */
    limits: jsonb('limits'),
    position: integer('position').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    version: version(),
  },
  (table) => [
    uniqueIndex('deployments_model_provider_upstream_uq').on(table.modelId, table.providerId, table.upstreamModel),
    index('deployments_provider_idx').on(table.providerId),
  ],
)
