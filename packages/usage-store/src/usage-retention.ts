import type { ClickHouseClient } from '@clickhouse/client'

export interface UsageRetention {
  /** Days raw events are kept (by `occurred_at`); undefined keeps them for ever. */
  readonly rawRetentionDays?: number | undefined
  /** Days the hourly rollup is kept; undefined keeps it for ever (it is small). */
  readonly rollupRetentionDays?: number | undefined
}

function ttlStatement(table: string, column: string, days: number | undefined): string {
  if (days === undefined) return `ALTER TABLE ${table} REMOVE TTL`
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`retention must be a whole number of days ≥ 1: ${days}`)
  return `ALTER TABLE ${table} MODIFY TTL toDateTime(${column}) + INTERVAL ${days} DAY`
}

/**
 * Sets the tables' TTLs from configuration (idempotent, run at start). Removing a TTL that is not
 * set is an error in ClickHouse, so the current one is read first.
 */
export async function applyUsageRetention(
  client: ClickHouseClient,
  database: string,
  retention: UsageRetention,
): Promise<void> {
  const tables = [
    { table: 'usage_events', column: 'occurred_at', days: retention.rawRetentionDays },
    { table: 'usage_hourly', column: 'hour', days: retention.rollupRetentionDays },
  ]
  for (const { table, column, days } of tables) {
    const result = await client.query({
      query: `SELECT create_table_query FROM system.tables WHERE database = {database:String} AND name = {table:String}`,
      query_params: { database, table },
      format: 'JSONEachRow',
    })
    const [row] = await result.json<{ create_table_query: string }>()
    if (row === undefined) throw new Error(`${database}.${table} does not exist: migrate the usage store first`)
    const current = /\bTTL toDateTime\(\w+\) \+ toIntervalDay\((\d+)\)/.exec(row.create_table_query)
    const currentDays = current === null ? undefined : Number(current[1])
    const hasTtl = /\bTTL\b/.test(row.create_table_query)
    if (currentDays === days && (days !== undefined || !hasTtl)) continue
    if (days === undefined && !hasTtl) continue
    await client.command({ query: ttlStatement(`${database}.${table}`, column, days) })
  }
}
