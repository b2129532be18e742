import type { ClickHouseClient } from '@clickhouse/client'

/** Attribution dimensions a report may group or filter by, and their rollup columns. */
export const USAGE_DIMENSION_COLUMNS = {
  team: 'team_id',
  project: 'project_id',
  environment: 'environment',
  costCenter: 'cost_center',
  user: 'user_id',
  key: 'key_id',
  model: 'requested_model',
  upstreamModel: 'upstream_model',
  provider: 'provider_id',
  providerType: 'provider_type',
  deployment: 'deployment_id',
  endpoint: 'endpoint',
  status: 'status',
} as const
export type UsageDimension = keyof typeof USAGE_DIMENSION_COLUMNS

export type UsageGranularity = 'hour' | 'day' | 'week' | 'month' | 'total'

/** Which rows of one org a report reads. `from` and `to` are whole hours; `to` is exclusive. */
export interface UsageScope {
  readonly orgId: string
  readonly from: Date
  readonly to: Date
  /** Only these teams (a team admin's); undefined: the whole org. */
  readonly teamIds?: readonly string[] | undefined
  /** Each listed dimension must equal one of its values. */
  readonly where?: Partial<Record<UsageDimension, readonly string[]>> | undefined
}

export interface UsageMetrics {
  /** Client requests (request events). */
  readonly requests: number
  /** Upstream attempts (attempt events): retries and fallbacks included. */
  readonly attempts: number
  /** The tokens and cost below are the attempts' (what providers bill). */
  readonly inputTokens: number
  readonly outputTokens: number
  readonly cachedInputTokens: number
  readonly cacheWriteInputTokens: number
  readonly reasoningTokens: number
  readonly costMicroUsd: number
  /** Events whose tokens were estimated because the provider reported none. */
  readonly estimatedEvents: number
}

export interface UsageRow extends UsageMetrics {
  /** Start of the bucket (undefined for granularity `total`). */
  readonly bucketStart?: Date
  readonly dimensions: Partial<Record<UsageDimension, string>>
}

export interface UsageQuery extends UsageScope {
  readonly groupBy: readonly UsageDimension[]
  readonly granularity: UsageGranularity
  /** IANA zone that day, week (from Monday) and month buckets follow. Default UTC. */
  readonly timeZone?: string
  /** Largest groups first by this metric, at most `limit` rows (top-N). Default: by bucket then groups. */
  readonly orderBy?: 'costMicroUsd' | 'requests' | 'tokens'
  readonly limit?: number
}

const METRICS_SQL = `
  sumIf(events, kind = 'request') AS requests,
  sumIf(events, kind = 'attempt') AS attempts,
  sumIf(input_tokens, kind = 'attempt') AS inputTokens,
  sumIf(output_tokens, kind = 'attempt') AS outputTokens,
  sumIf(cached_input_tokens, kind = 'attempt') AS cachedInputTokens,
  sumIf(cache_write_input_tokens, kind = 'attempt') AS cacheWriteInputTokens,
  sumIf(reasoning_tokens, kind = 'attempt') AS reasoningTokens,
  sumIf(cost_micro_usd, kind = 'attempt') AS costMicroUsd,
  sum(estimated_events) AS estimatedEvents`

const METRIC_NAMES = [
  'requests',
  'attempts',
  'inputTokens',
  'outputTokens',
  'cachedInputTokens',
  'cacheWriteInputTokens',
  'reasoningTokens',
  'costMicroUsd',
  'estimatedEvents',
] as const

const BUCKET_SQL: Record<Exclude<UsageGranularity, 'total'>, string> = {
  hour: 'toUnixTimestamp(hour)',
  day: 'toUnixTimestamp(toStartOfDay(hour, {timeZone:String}))',
  week: 'toUnixTimestamp(toDateTime(toMonday(hour, {timeZone:String}), {timeZone:String}))',
  month: 'toUnixTimestamp(toDateTime(toStartOfMonth(hour, {timeZone:String}), {timeZone:String}))',
}

/** ClickHouse's text form of a UTC instant (whole seconds). */
function chTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ')
}

/** The WHERE clause of a scope over `usage_hourly`, and its parameters. */
export function scopeFilter(scope: UsageScope): { sql: string; params: Record<string, unknown> } {
  const clauses = ['org_id = {orgId:String}', "hour >= {from:DateTime('UTC')}", "hour < {to:DateTime('UTC')}"]
  const params: Record<string, unknown> = { orgId: scope.orgId, from: chTime(scope.from), to: chTime(scope.to) }
  if (scope.teamIds !== undefined) {
    clauses.push('team_id IN {scopeTeamIds:Array(String)}')
    params.scopeTeamIds = [...scope.teamIds]
  }
  for (const [dimension, values] of Object.entries(scope.where ?? {}) as [UsageDimension, readonly string[]][]) {
    const name = `where_${dimension}`
    clauses.push(`${USAGE_DIMENSION_COLUMNS[dimension]} IN {${name}:Array(String)}`)
    params[name] = [...values]
  }
  return { sql: clauses.join(' AND '), params }
}

/** A ClickHouse UInt64 (quoted in JSON) as an exact JS integer; past 2^53 it refuses rather than round. */
export function exactInteger(value: string | number): number {
  const parsed = typeof value === 'number' ? value : Number(value)
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`not an exact integer below 2^53: ${value}`)
  return parsed
}

function metricsOf(row: Record<string, string>): UsageMetrics {
  return Object.fromEntries(
    METRIC_NAMES.map((name) => [name, exactInteger(row[name] ?? '0')]),
  ) as unknown as UsageMetrics
}

const ORDER_SQL = {
  costMicroUsd: 'costMicroUsd DESC',
  requests: 'requests DESC',
  tokens: '(inputTokens + outputTokens) DESC',
} as const

/** Requests, attempts, tokens and cost grouped by time bucket and any dimensions. */
export async function queryUsage(client: ClickHouseClient, database: string, query: UsageQuery): Promise<UsageRow[]> {
  const filter = scopeFilter(query)
  const groups = query.groupBy.map((dimension) => `${USAGE_DIMENSION_COLUMNS[dimension]} AS ${dimension}`)
  const bucket = query.granularity === 'total' ? [] : [`${BUCKET_SQL[query.granularity]} AS bucketStart`]
  const keys = [...bucket, ...groups]
  const keyNames = [...(bucket.length > 0 ? ['bucketStart'] : []), ...query.groupBy]
  const order = query.orderBy === undefined ? keyNames.join(', ') : [ORDER_SQL[query.orderBy], ...keyNames].join(', ')
  const sql = `SELECT ${[...keys, METRICS_SQL].join(', ')}
    FROM ${database}.usage_hourly FINAL
    WHERE ${filter.sql}
    ${keyNames.length > 0 ? `GROUP BY ${keyNames.join(', ')}` : ''}
    ${keyNames.length > 0 || query.orderBy !== undefined ? `ORDER BY ${order || 'requests'}` : ''}
    ${query.limit === undefined ? '' : 'LIMIT {limit:UInt32}'}`
  const result = await client.query({
    query: sql,
    query_params: { ...filter.params, timeZone: query.timeZone ?? 'UTC', limit: query.limit ?? 0 },
    format: 'JSONEachRow',
  })
  const rows = await result.json<Record<string, string>>()
  return rows.map((row) => ({
    ...(row.bucketStart === undefined ? {} : { bucketStart: new Date(exactInteger(row.bucketStart) * 1000) }),
    dimensions: Object.fromEntries(query.groupBy.map((dimension) => [dimension, row[dimension] ?? ''])),
    ...metricsOf(row),
  }))
}

/** The hidden costs of one team, straight from the rollup (prompt-cache savings are priced later). */
export interface HiddenCostRow {
  readonly teamId: string
  readonly requests: number
  readonly attempts: number
  readonly costMicroUsd: number
  /** Attempts that failed (upstream error, timeout, client error, rejected) and what they cost. */
  readonly failedAttempts: number
  readonly failedAttemptsCostMicroUsd: number
  /** Attempts after the first on the same model, whatever their outcome, and what they cost. */
  readonly retryAttempts: number
  readonly retryCostMicroUsd: number
  /** Attempts on a fallback model and what they cost. */
  readonly fallbackAttempts: number
  readonly fallbackCostMicroUsd: number
  /** Attempts the client abandoned (a stream it left) and what they cost. */
  readonly abortedAttempts: number
  readonly abortedCostMicroUsd: number
  /** Requests answered from the exact cache, and what those answers would have cost. */
  readonly exactCacheHits: number
  readonly exactCacheSavedMicroUsd: number
  readonly cachedInputTokens: number
}

const FAILED = "kind = 'attempt' AND status IN ('upstream_error', 'timeout', 'client_error', 'rejected')"
const HIDDEN_SQL = {
  requests: "sumIf(events, kind = 'request')",
  attempts: "sumIf(events, kind = 'attempt')",
  costMicroUsd: "sumIf(cost_micro_usd, kind = 'attempt')",
  failedAttempts: `sumIf(events, ${FAILED})`,
  failedAttemptsCostMicroUsd: `sumIf(cost_micro_usd, ${FAILED})`,
  retryAttempts: "sumIf(events, kind = 'attempt' AND is_retry)",
  retryCostMicroUsd: "sumIf(cost_micro_usd, kind = 'attempt' AND is_retry)",
  fallbackAttempts: "sumIf(events, kind = 'attempt' AND is_fallback)",
  fallbackCostMicroUsd: "sumIf(cost_micro_usd, kind = 'attempt' AND is_fallback)",
  abortedAttempts: "sumIf(events, kind = 'attempt' AND status = 'aborted')",
  abortedCostMicroUsd: "sumIf(cost_micro_usd, kind = 'attempt' AND status = 'aborted')",
  exactCacheHits: "sumIf(events, kind = 'request' AND is_cache_hit)",
  exactCacheSavedMicroUsd: "sumIf(cache_saved_micro_usd, kind = 'request')",
  cachedInputTokens: "sumIf(cached_input_tokens, kind = 'attempt')",
} as const

/** Per team: the cost of failures, retries, fallbacks and abandoned streams, and the exact cache's savings. */
export async function queryHiddenCosts(
  client: ClickHouseClient,
  database: string,
  scope: UsageScope,
): Promise<HiddenCostRow[]> {
  const filter = scopeFilter(scope)
  const columns = Object.entries(HIDDEN_SQL).map(([name, sql]) => `${sql} AS ${name}`)
  const result = await client.query({
    query: `SELECT team_id AS teamId, ${columns.join(', ')}
      FROM ${database}.usage_hourly FINAL WHERE ${filter.sql} GROUP BY teamId ORDER BY teamId`,
    query_params: filter.params,
    format: 'JSONEachRow',
  })
  const rows = await result.json<Record<string, string>>()
  return rows.map(
    (row) =>
      ({
        teamId: row.teamId ?? '',
        ...Object.fromEntries(Object.keys(HIDDEN_SQL).map((name) => [name, exactInteger(row[name] ?? '0')])),
      }) as HiddenCostRow,
  )
}

/** The tokens of each upstream model (attempts only), optionally per team and per UTC day. */
export interface TokenMixRow {
  readonly teamId: string
  /** `YYYY-MM-DD` (UTC) when asked per day, else ''. */
  readonly day: string
  readonly providerType: string
  readonly upstreamModel: string
  readonly attempts: number
  /** Successful attempts: the ones a per-request fee would be charged on. */
  readonly answeredAttempts: number
  readonly inputTokens: number
  readonly outputTokens: number
  readonly cachedInputTokens: number
  readonly cacheWriteInputTokens: number
  readonly reasoningTokens: number
  readonly costMicroUsd: number
}

const MIX_METRICS = [
  'attempts',
  'answeredAttempts',
  'inputTokens',
  'outputTokens',
  'cachedInputTokens',
  'cacheWriteInputTokens',
  'reasoningTokens',
  'costMicroUsd',
] as const

/** What was sent to which model: the input of the prompt-cache savings and the provider comparison. */
export async function queryTokenMix(
  client: ClickHouseClient,
  database: string,
  scope: UsageScope,
  options: { readonly byTeam: boolean; readonly byDay: boolean },
): Promise<TokenMixRow[]> {
  const filter = scopeFilter(scope)
  const team = options.byTeam ? 'team_id' : "''"
  const day = options.byDay ? 'toString(toDate(hour))' : "''"
  const result = await client.query({
    query: `SELECT ${team} AS teamId, ${day} AS day, provider_type AS providerType, upstream_model AS upstreamModel,
        sum(events) AS attempts,
        sumIf(events, status = 'success') AS answeredAttempts,
        sum(input_tokens) AS inputTokens,
        sum(output_tokens) AS outputTokens,
        sum(cached_input_tokens) AS cachedInputTokens,
        sum(cache_write_input_tokens) AS cacheWriteInputTokens,
        sum(reasoning_tokens) AS reasoningTokens,
        sum(cost_micro_usd) AS costMicroUsd
      FROM ${database}.usage_hourly FINAL
      WHERE ${filter.sql} AND kind = 'attempt'
      GROUP BY teamId, day, providerType, upstreamModel
      ORDER BY teamId, day, providerType, upstreamModel`,
    query_params: filter.params,
    format: 'JSONEachRow',
  })
  const rows = await result.json<Record<string, string>>()
  return rows.map(
    (row) =>
      ({
        teamId: row.teamId ?? '',
        day: row.day ?? '',
        providerType: row.providerType ?? '',
        upstreamModel: row.upstreamModel ?? '',
        ...Object.fromEntries(MIX_METRICS.map((name) => [name, exactInteger(row[name] ?? '0')])),
      }) as TokenMixRow,
  )
}

/** What a budget counts: one key, team, project or user, or every request carrying a tag. */
export type SpendScope =
  | { readonly kind: 'key' | 'team' | 'project' | 'user'; readonly id: string }
  | { readonly kind: 'tag'; readonly name: string; readonly value: string }

const SPEND_SCOPE_COLUMNS = { key: 'key_id', team: 'team_id', project: 'project_id', user: 'user_id' } as const

/**
 * Attempt cost per local day in `timeZone`, for `[from, to)`: the series a budget forecast reads.
 * Tags are not in the rollup, so a tag scope reads the raw events (deduplicated with FINAL).
 */
export async function queryDailySpend(
  client: ClickHouseClient,
  database: string,
  query: {
    readonly orgId: string
    readonly scope: SpendScope
    readonly from: Date
    readonly to: Date
    readonly timeZone: string
  },
): Promise<{ day: string; costMicroUsd: number }[]> {
  const params: Record<string, unknown> = {
    orgId: query.orgId,
    from: chTime(query.from),
    to: chTime(query.to),
    timeZone: query.timeZone,
  }
  let sql: string
  if (query.scope.kind === 'tag') {
    params.tagName = query.scope.name
    params.tagValue = query.scope.value
    sql = `SELECT toString(toDate(occurred_at, {timeZone:String})) AS day, sum(cost_micro_usd) AS costMicroUsd
      FROM ${database}.usage_events FINAL
      WHERE org_id = {orgId:String} AND kind = 'attempt' AND tags[{tagName:String}] = {tagValue:String}
        AND occurred_at >= {from:DateTime('UTC')} AND occurred_at < {to:DateTime('UTC')}
      GROUP BY day ORDER BY day`
  } else {
    params.scopeId = query.scope.id
    sql = `SELECT toString(toDate(hour, {timeZone:String})) AS day, sum(cost_micro_usd) AS costMicroUsd
      FROM ${database}.usage_hourly FINAL
      WHERE org_id = {orgId:String} AND kind = 'attempt' AND ${SPEND_SCOPE_COLUMNS[query.scope.kind]} = {scopeId:String}
        AND hour >= {from:DateTime('UTC')} AND hour < {to:DateTime('UTC')}
      GROUP BY day ORDER BY day`
  }
  const result = await client.query({ query: sql, query_params: params, format: 'JSONEachRow' })
  const rows = await result.json<{ day: string; costMicroUsd: string }>()
  return rows.map((row) => ({ day: row.day, costMicroUsd: exactInteger(row.costMicroUsd) }))
}

/**
 * Everything a budget scope spent in `[from, to)` (attempt costs, which include every retry and
 * fallback), exactly: raw events deduplicated with FINAL, so any boundary works, hour-aligned or
 * not. What a budget's starting spend in a policy snapshot is read from.
 */
export async function querySpend(
  client: ClickHouseClient,
  database: string,
  query: { readonly orgId: string; readonly scope: SpendScope; readonly from: Date; readonly to: Date },
): Promise<number> {
  const params: Record<string, unknown> = { orgId: query.orgId, from: chTime(query.from), to: chTime(query.to) }
  let scopeSql: string
  if (query.scope.kind === 'tag') {
    params.tagName = query.scope.name
    params.tagValue = query.scope.value
    scopeSql = 'tags[{tagName:String}] = {tagValue:String}'
  } else {
    params.scopeId = query.scope.id
    scopeSql = `${SPEND_SCOPE_COLUMNS[query.scope.kind]} = {scopeId:String}`
  }
  const result = await client.query({
    query: `SELECT toString(sum(cost_micro_usd)) AS spent FROM ${database}.usage_events FINAL
      WHERE org_id = {orgId:String} AND kind = 'attempt' AND ${scopeSql}
        AND occurred_at >= {from:DateTime('UTC')} AND occurred_at < {to:DateTime('UTC')}`,
    query_params: params,
    format: 'JSONEachRow',
  })
  const [row] = await result.json<{ spent: string }>()
  return exactInteger(row?.spent ?? '0')
}
