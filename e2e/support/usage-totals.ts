import { type ClickHouseHandle, openClickHouse } from '@switchyard/usage-store'

export interface UsageTotals {
  readonly events: number
  readonly costMicroUsd: bigint
}

export interface ClickHouseUsageTotals {
  /** Rows as stored: a re-delivered event may sit there more than once until a merge. */
  readonly rawRows: number
  /** De-duplicated with FINAL (the ReplacingMergeTree's own collapse, applied at read). */
  readonly final: UsageTotals
  /** De-duplicated by hand: one row per event id, its latest insert (argMax by ingested_at). */
  readonly byId: UsageTotals
}

async function one(clickhouse: ClickHouseHandle, query: string): Promise<Record<string, string>> {
  const result = await clickhouse.client.query({ query, format: 'JSONEachRow' })
  const [row] = await result.json<Record<string, string>>()
  if (!row) throw new Error(`no row from ${query}`)
  return row
}

/**
 * Opens the embedded ClickHouse store (the ingester must be stopped: chDB locks its directory)
 * and reads the totals both ways the reports may de-duplicate. 64-bit sums come quoted, read
 * as bigint so that nothing is rounded.
 */
export async function readClickHouseUsageTotals(
  path: string,
  database: string,
  where = '1',
): Promise<ClickHouseUsageTotals> {
  const clickhouse = await openClickHouse({ kind: 'embedded', path })
  try {
    const table = `${database}.usage_events`
    const raw = await one(clickhouse, `SELECT count() AS rows FROM ${table} WHERE ${where}`)
    const final = await one(
      clickhouse,
      `SELECT count() AS events, sum(cost_micro_usd) AS cost FROM ${table} FINAL WHERE ${where}`,
    )
    const byId = await one(
      clickhouse,
      `SELECT count() AS events, sum(cost) AS cost FROM (
         SELECT id, argMax(cost_micro_usd, ingested_at) AS cost FROM ${table} WHERE ${where} GROUP BY id
       )`,
    )
    return {
      rawRows: Number(raw.rows),
      final: { events: Number(final.events), costMicroUsd: BigInt(final.cost ?? 0) },
      byId: { events: Number(byId.events), costMicroUsd: BigInt(byId.cost ?? 0) },
    }
  } finally {
    await clickhouse.close()
  }
}
