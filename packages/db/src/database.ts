import { PGlite } from '@electric-sql/pglite'
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres'
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import pg from 'pg'
import * as schema from './schema/index.ts'

export type Schema = typeof schema

/** The same drizzle API over either driver; repositories take this and never know which. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>

export interface DatabaseHandle {
  readonly db: Database
  readonly driver: 'postgres' | 'pglite'
  /** Applies the committed migrations that have not run yet; safe to call on every start. */
  migrate(): Promise<void>
  /** Round-trips a trivial query; used by readiness checks. */
  ping(): Promise<void>
  close(): Promise<void>
}

const migrationsFolder = new URL('../migrations', import.meta.url).pathname

export interface PostgresOptions {
  readonly url: string
  readonly maxConnections?: number
  /**
   * Told when an idle pooled connection fails (the server restarted or was stopped): the pool
   * drops that connection and the next query opens a new one. Without a listener, node-postgres
   * would raise it as an unhandled 'error' event and take the process down.
   */
  readonly onIdleConnectionError?: (error: Error) => void
}

/** A pool of connections to a PostgreSQL server (distributed mode). */
export function openPostgres(options: PostgresOptions): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10 })
  pool.on('error', (error) => options.onIdleConnectionError?.(error))
  const db = drizzleNodePg({ client: pool, schema, casing: 'snake_case' })
  return {
    db,
    driver: 'postgres',
    migrate: () => migrateNodePg(db, { migrationsFolder }),
    async ping() {
      await pool.query('select 1')
    },
    close: () => pool.end(),
  }
}

/** PGlite (Postgres compiled to WASM) on local disk, for the embedded one-process mode. */
export async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  const client = await PGlite.create(dataDir)
  const db = drizzlePglite({ client, schema, casing: 'snake_case' })
  return {
    db,
    driver: 'pglite',
    migrate: () => migratePglite(db, { migrationsFolder }),
    async ping() {
      await client.query('select 1')
    },
    close: () => client.close(),
  }
}
