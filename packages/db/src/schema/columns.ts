import { timestamp } from 'drizzle-orm/pg-core'

/** When a row was inserted. */
export const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()

/** When a row's content last changed; writers set it, so an apply that changes nothing leaves it alone. */
export const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
