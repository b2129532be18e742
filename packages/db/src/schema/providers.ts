import { jsonb, pgTable, text } from 'drizzle-orm/pg-core'
import { createdAt, updatedAt, version } from './columns.ts'

/**
 * A provider account. `target` holds the non-secret settings of its type (base URL, region…,
 * without the `type` itself); `credentials` holds its secrets only as an encrypted envelope
 * (AES-256-GCM, bound to the provider id), never in plaintext. Null: the provider has none.
 * These columns are parsed with the contracts' schemas by whoever reads them.
 */
export const providers = pgTable('providers', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  type: text('type').notNull(),
  target: jsonb('target').notNull(),
  credentials: jsonb('credentials'),
  /**
   * Where a config file takes the credentials from: its env references as written
   * (`{ apiKey: { env: … } }`), kept so an export names the same variables; null when none were
   * given. Names only, never values.
   */
  credentialRefs: jsonb('credential_refs'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version(),
})
