import { integer, timestamp } from 'drizzle-orm/pg-core'

/** When a row was inserted. */
export const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()

/** When a row's content last changed; writers set it, so an apply that changes nothing leaves it alone. */
export const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()

/**
 * Optimistic concurrency: every write that changes a row adds one, and the admin API serves it
 * as the row's ETag, so a write with a stale `If-Match` is refused instead of lost.
 */
export const version = () => integer('version').notNull().default(1)
