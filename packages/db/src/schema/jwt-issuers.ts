import { integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, updatedAt, version } from './columns.ts'
import { orgs } from './tenancy.ts'

/**
 * An identity provider whose tokens apps may send instead of a virtual key. `keySource` (a
 * `JwtKeySource`: a JWKS URL or static public keys) and `claims` (a `JwtClaimMapping`) are parsed
 * with the contracts' schemas by whoever reads them. The `iss` value is unique: a token names
 * exactly one issuer.
 */
export const jwtIssuers = pgTable(
  'jwt_issuers',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    issuer: text('issuer').notNull().unique(),
    audiences: text('audiences').array().notNull(),
    keySource: jsonb('key_source').notNull(),
    algorithms: text('algorithms').array().notNull(),
    claims: jsonb('claims').notNull(),
    clockToleranceSec: integer('clock_tolerance_sec').notNull().default(30),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    version: version(),
  },
  (table) => [uniqueIndex('jwt_issuers_org_name_uq').on(table.orgId, table.name)],
)
