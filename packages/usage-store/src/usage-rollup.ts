import type { ClickHouseClient } from '@clickhouse/client'

/** The rollup's grouping columns, in `usage_hourly`'s sort order after `org_id, hour`. */
export const ROLLUP_DIMENSION_COLUMNS = [
  'team_id',
  'project_id',
  'environment',
  'cost_center',
  'key_id',
  'user_id',
  'kind',
  'endpoint',
  'requested_model',
  'provider_type',
  'provider_id',
  'upstream_model',
  'deployment_id',
  'status',
] as const

const ROLLUP_NAME = 'usage_hourly'

/** Most hours recomputed by one INSERT … SELECT, so a first refresh over years stays bounded. */
const HOURS_PER_STATEMENT = 744

export interface RefreshUsageRollupOptions {
  /**
   * Rows ingested in the last `settleMs` (by ClickHouse's clock) are left for the next refresh,
   * so an insert still in flight when the refresh reads cannot be skipped for ever. Default 5 s.
   */
  readonly settleMs?: number
  /**
   * Hours older than this many days are never recomputed: their raw rows may already be gone
   * under the retention TTL, and a recomputation would shrink them. Default: no limit.
   */
  readonly rawRetentionDays?: number | undefined
}

export interface RollupRefresh {
  /** The hours recomputed, as `YYYY-MM-DD hh:00:00` UTC. */
  readonly hours: readonly string[]
  /** The ingestion time the rollup now covers. */
  readonly ingestedUntil: string
}

/**
 * Brings `usage_hourly` up to date with `usage_events`: finds the hours that received rows since
 * the last refresh (by `ingested_at`), recomputes each of them whole from `usage_events FINAL`,
 * and advances the watermark. Every number in the rollup is therefore a sum over distinct event
 * ids: an event delivered twice is counted once. Safe to run concurrently (each run writes the
 * same exact totals; the newest computation of a group wins) and to re-run after a crash.
 */
export async function refreshUsageRollup(
  client: ClickHouseClient,
  database: string,
  options: RefreshUsageRollupOptions = {},
): Promise<RollupRefresh> {
  const settleMs = options.settleMs ?? 5_000
  const state = await queryRows<{ since: string; until: string }>(
    client,
    `SELECT
       toString(ifNull((SELECT max(ingested_until) FROM ${database}.usage_rollup_state FINAL WHERE name = {name:String}),
                       toDateTime64(0, 3, 'UTC'))) AS since,
       toString(now64(3, 'UTC') - toIntervalMillisecond({settleMs:UInt64})) AS until`,
    { name: ROLLUP_NAME, settleMs },
  )
  const { since, until } = state[0] ?? { since: '1970-01-01 00:00:00.000', until: '1970-01-01 00:00:00.000' }
  if (until <= since) return { hours: [], ingestedUntil: since }
  const retention =
    options.rawRetentionDays === undefined
      ? ''
      : 'AND occurred_at >= now() - toIntervalDay({retentionDays:UInt32}) + toIntervalDay(1)'
  const dirty = await queryRows<{ hour: string }>(
    client,
    `SELECT DISTINCT toString(toStartOfHour(occurred_at)) AS hour
     FROM ${database}.usage_events
     WHERE ingested_at > toDateTime64({since:String}, 3, 'UTC') AND ingested_at <= toDateTime64({until:String}, 3, 'UTC')
     ${retention}
     ORDER BY hour`,
    { since, until, retentionDays: options.rawRetentionDays ?? 0 },
  )
  const hours = dirty.map((row) => row.hour)
  for (let start = 0; start < hours.length; start += HOURS_PER_STATEMENT) {
    await recomputeHours(client, database, hours.slice(start, start + HOURS_PER_STATEMENT), until)
  }
  await client.insert({
    table: `${database}.usage_rollup_state`,
    values: [{ name: ROLLUP_NAME, ingested_until: until }],
    format: 'JSONEachRow',
  })
  return { hours, ingestedUntil: until }
}

async function recomputeHours(
  client: ClickHouseClient,
  database: string,
  hours: readonly string[],
  computedAt: string,
): Promise<void> {
  const dimensions = ROLLUP_DIMENSION_COLUMNS.join(', ')
  await client.command({
    query: `INSERT INTO ${database}.usage_hourly
      SELECT
        toStartOfHour(occurred_at) AS hour, org_id, ${dimensions},
        kind = 'attempt' AND attempt_number > 1 AND fallback_reason = '' AS is_retry,
        kind = 'attempt' AND fallback_reason != '' AS is_fallback,
        is_cache_hit,
        count() AS events,
        countIf(is_estimated) AS estimated_events,
        sum(input_tokens) AS input_tokens,
        sum(output_tokens) AS output_tokens,
        sum(cached_input_tokens) AS cached_input_tokens,
        sum(cache_write_input_tokens) AS cache_write_input_tokens,
        sum(reasoning_tokens) AS reasoning_tokens,
        sum(cost_micro_usd) AS cost_micro_usd,
        sum(cache_saved_micro_usd) AS cache_saved_micro_usd,
        toDateTime64({computedAt:String}, 3, 'UTC') AS computed_at
      FROM ${database}.usage_events FINAL
      WHERE toStartOfHour(occurred_at) IN {hours:Array(DateTime('UTC'))}
        AND occurred_at >= {first:DateTime('UTC')} AND occurred_at < {last:DateTime('UTC')} + INTERVAL 1 HOUR
      GROUP BY hour, org_id, ${dimensions}, is_retry, is_fallback, is_cache_hit`,
    query_params: { hours, computedAt, first: hours[0], last: hours.at(-1) },
  })
}

async function queryRows<T>(client: ClickHouseClient, query: string, params: Record<string, unknown>): Promise<T[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' })
  return result.json<T>()
}
