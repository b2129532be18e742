/**
 * Report query latency over 10 million usage events on the embedded ClickHouse engine (chDB).
 * Events are generated inside ClickHouse (INSERT … SELECT FROM numbers()), not sent through the
 * gateway: this measures the store and the report queries, not ingestion.
 *
 *   node packages/usage-store/scripts/bench-reports.ts [events=10000000] [dataDir]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  migrateUsageStore,
  openClickHouse,
  queryDailySpend,
  queryHiddenCosts,
  queryTokenMix,
  queryUsage,
  refreshUsageRollup,
} from '../src/index.ts'

const EVENTS = Number(process.argv[2] ?? 10_000_000)
const DB = 'bench'
const CHUNK = 1_000_000
const dir = process.argv[3] ?? mkdtempSync(join(tmpdir(), 'sy-bench-reports-'))
const clickhouse = await openClickHouse({ kind: 'embedded', path: join(dir, 'chdb') })
const { client } = clickhouse

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now()
  const result = await run()
  return { ms: performance.now() - start, result }
}

async function scalar(query: string): Promise<string> {
  const result = await client.query({ query, format: 'JSONEachRow' })
  const [row] = await result.json<Record<string, string>>()
  return Object.values(row ?? {}).join(' / ')
}

/**
 * Requests in pairs (attempt, request) over November 2026: 100 keys in 20 teams, 6 models,
 * 4% failed attempts, 1% abandoned, 2% fallbacks, a third of the prompts partly cached, one
 * request in ten from another org.
 */
function generate(offset: number, count: number, idPrefix = 'evt'): string {
  return `INSERT INTO ${DB}.usage_events (id, kind, request_id, occurred_at, gateway_pod_id, org_id, team_id, project_id,
      environment, cost_center, user_id, key_id, tags, endpoint, requested_model, provider_type, provider_id, deployment_id,
      upstream_model, is_stream, attempt_number, attempt_count, input_tokens, output_tokens, cached_input_tokens,
      cache_write_input_tokens, reasoning_tokens, is_estimated, cost_micro_usd, cache_saved_micro_usd, latency_ms,
      time_to_first_token_ms, status, http_status, error_class, fallback_reason, is_cache_hit)
    SELECT
      concat('${idPrefix}-', toString(number)) AS id,
      if(number % 2 = 0, 'attempt', 'request') AS kind,
      concat('req-', toString(intDiv(number, 2))) AS request_id,
      toDateTime64('2026-11-01 00:00:00', 3, 'UTC') + toIntervalMillisecond(intDiv(number, 2) * intDiv(2592000000, ${Math.max(1, EVENTS / 2)})) AS occurred_at,
      'pod-1',
      if(h % 10 = 9, 'org_other', 'org_bench') AS org_id,
      concat('team-', toString(k % 20)), concat('proj-', toString(k % 40)), if(k % 3 = 0, 'prod', 'dev'),
      concat('cc-', toString(k % 5)), concat('user-', toString(k)), concat('key-', toString(k)),
      map('app', concat('app-', toString(k % 4))),
      'chat.completions',
      ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'gemini-2.5-flash', 'mistral-large-2411'][m + 1] AS model,
      if(kind = 'attempt', ['openai', 'openai', 'anthropic', 'anthropic', 'gemini', 'openai-compatible'][m + 1], ''),
      if(kind = 'attempt', concat('provider-', toString(m)), ''),
      concat('dep-', toString(m)),
      if(kind = 'attempt', model, ''),
      h % 2 = 0, 1, if(kind = 'request', 1, 0),
      200 + h % 4000 AS input, 50 + h % 800 AS output, if(h % 3 = 0, intDiv(input, 2), 0), 0, 0, false,
      if(r = 96 OR r = 97 OR r = 99, 0, input * 3 + output * 12) AS cost, 0, 100 + h % 900, NULL,
      multiIf(r < 96, 'success', r = 96, 'upstream_error', r = 97, 'timeout', r = 98, 'aborted', 'client_error'),
      200, '', if(kind = 'attempt' AND h % 50 = 7, 'rate_limited', ''), false
    FROM (
      SELECT number, cityHash64(intDiv(number, 2)) AS h, h % 100 AS k, intDiv(h, 100) % 6 AS m, intDiv(h, 1000) % 100 AS r
      FROM numbers(${offset}, ${count})
    )`
}

const report: string[] = []
const note = (line: string) => {
  report.push(line)
  console.log(line)
}

await migrateUsageStore(client, DB)
const inserted = await timed(async () => {
  for (let offset = 0; offset < EVENTS; offset += CHUNK) {
    await client.command({ query: generate(offset, Math.min(CHUNK, EVENTS - offset)) })
  }
})
note(`generated ${EVENTS.toLocaleString('en')} events in ${(inserted.ms / 1000).toFixed(1)} s`)

const build = await timed(() => refreshUsageRollup(client, DB, { settleMs: 0 }))
const rollupRows = await scalar(`SELECT count() FROM ${DB}.usage_hourly`)
note(
  `rollup built from scratch: ${build.result.hours.length} hours in ${(build.ms / 1000).toFixed(1)} s, ${rollupRows} rollup rows`,
)

const totalsSql = `SELECT sum(cost_micro_usd) AS cost, count() AS events FROM ${DB}.usage_events FINAL WHERE kind = 'attempt'`
const before = await scalar(totalsSql)
// Re-delivery: 100,000 events that are already stored arrive again.
await client.command({ query: generate(0, 100_000) })
const redelivered = await timed(() => refreshUsageRollup(client, DB, { settleMs: 0 }))
const after = await scalar(totalsSql)
const rollupTotal = await scalar(
  `SELECT sumIf(cost_micro_usd, kind = 'attempt') AS cost, sumIf(events, kind = 'attempt') AS events FROM ${DB}.usage_hourly FINAL`,
)
note(
  `re-delivery of 100,000 stored events: incremental refresh of ${redelivered.result.hours.length} hours in ${(redelivered.ms / 1000).toFixed(1)} s; raw totals ${before} → ${after}; rollup ${rollupTotal}`,
)
if (before !== after || after !== rollupTotal) throw new Error('re-delivered events were counted twice')
const idle = await timed(() => refreshUsageRollup(client, DB, { settleMs: 0 }))
note(`refresh with nothing new (paid before every report): ${idle.ms.toFixed(0)} ms`)

const scope = { orgId: 'org_bench', from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') }
const cases: [string, () => Promise<unknown>][] = [
  ['month total', () => queryUsage(client, DB, { ...scope, groupBy: [], granularity: 'total' })],
  ['by team × day (30 days)', () => queryUsage(client, DB, { ...scope, groupBy: ['team'], granularity: 'day' })],
  [
    'by key × model, month',
    () => queryUsage(client, DB, { ...scope, groupBy: ['key', 'model'], granularity: 'month' }),
  ],
  [
    'by hour, one team, filtered by model',
    () =>
      queryUsage(client, DB, {
        ...scope,
        where: { team: ['team-3'], model: ['gpt-4o'] },
        groupBy: [],
        granularity: 'hour',
      }),
  ],
  [
    'top 10 keys by cost',
    () =>
      queryUsage(client, DB, { ...scope, groupBy: ['key'], granularity: 'total', orderBy: 'costMicroUsd', limit: 10 }),
  ],
  ['hidden costs per team', () => queryHiddenCosts(client, DB, scope)],
  ['token mix per team × day × model', () => queryTokenMix(client, DB, scope, { byTeam: true, byDay: true })],
  [
    'budget daily spend (team scope, rollup)',
    () =>
      queryDailySpend(client, DB, {
        orgId: 'org_bench',
        scope: { kind: 'team', id: 'team-3' },
        from: scope.from,
        to: scope.to,
        timeZone: 'Europe/Paris',
      }),
  ],
  [
    'budget daily spend (tag scope, raw FINAL)',
    () =>
      queryDailySpend(client, DB, {
        orgId: 'org_bench',
        scope: { kind: 'tag', name: 'app', value: 'app-1' },
        from: scope.from,
        to: scope.to,
        timeZone: 'UTC',
      }),
  ],
  [
    'by team × day straight from raw FINAL (no rollup)',
    async () => {
      const result = await client.query({
        query: `SELECT team_id, toStartOfDay(occurred_at) AS day, countIf(kind = 'request') AS requests, sumIf(cost_micro_usd, kind = 'attempt') AS cost
        FROM ${DB}.usage_events FINAL WHERE org_id = 'org_bench' AND occurred_at >= '2026-11-01' AND occurred_at < '2026-12-01'
        GROUP BY team_id, day ORDER BY day, team_id`,
        format: 'JSONEachRow',
      })
      return result.json()
    },
  ],
]
note('')
note('| report query | median ms | min ms | max ms |')
note('| --- | ---: | ---: | ---: |')
for (const [name, run] of cases) {
  await run()
  const times: number[] = []
  for (let i = 0; i < 5; i += 1) times.push((await timed(run)).ms)
  times.sort((a, b) => a - b)
  note(`| ${name} | ${times[2]?.toFixed(0)} | ${times[0]?.toFixed(0)} | ${times[4]?.toFixed(0)} |`)
}
note('')
note(
  `process RSS ${(process.memoryUsage().rss / 1_048_576).toFixed(0)} MiB; data on disk ${await scalar(`SELECT formatReadableSize(sum(bytes_on_disk)) FROM system.parts WHERE database = '${DB}' AND active`)}`,
)
await clickhouse.close()
if (process.argv[3] === undefined) rmSync(dir, { recursive: true, force: true })
