import { pgTable, text } from 'drizzle-orm/pg-core'
import { createdAt, updatedAt, version } from './columns.ts'
import { routes } from './routes.ts'

/** A virtual model: the name clients send. A route in use cannot be deleted. */
export const models = pgTable('models', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  /** Null: the built-in route defaults apply. */
  routeId: text('route_id').references(() => routes.id, { onDelete: 'restrict' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version(),
})
