import { readdirSync, readFileSync } from 'node:fs'
import type { ClickHouseClient } from '@clickhouse/client'

const migrationsDir = new URL('../migrations/', import.meta.url)

export interface UsageStoreMigration {
  readonly name: string
  readonly statements: readonly string[]
}

/** The committed migrations, in file-name order. `{db}` in a file stands for the database name. */
export function readUsageStoreMigrations(database: string): UsageStoreMigration[] {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`not a plain database name: ${database}`)
  return readdirSync(migrationsDir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => ({
      name: file,
      statements: readFileSync(new URL(file, migrationsDir), 'utf8')
        .replaceAll('{db}', database)
        .split(/;\s*$/m)
        .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
        .filter((statement) => statement.length > 0),
    }))
}

/**
 * Applies the migrations that have not run yet and records each one. ClickHouse has no
 * transactional DDL, so every statement is written to be re-runnable (IF NOT EXISTS): a
 * migration interrupted half-way is simply run again.
 */
export async function migrateUsageStore(client: ClickHouseClient, database: string): Promise<string[]> {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` })
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${database}.schema_migrations
      (name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
      ENGINE = ReplacingMergeTree ORDER BY name`,
  })
  const appliedRows = await client.query({
    query: `SELECT name FROM ${database}.schema_migrations FINAL`,
    format: 'JSONEachRow',
  })
  const applied = new Set((await appliedRows.json<{ name: string }>()).map((row) => row.name))
  const ran: string[] = []
  for (const migration of readUsageStoreMigrations(database)) {
    if (applied.has(migration.name)) continue
    for (const statement of migration.statements) await client.command({ query: statement })
    await client.insert({
      table: `${database}.schema_migrations`,
      values: [{ name: migration.name }],
      format: 'JSONEachRow',
    })
    ran.push(migration.name)
  }
  return ran
}
