import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateUsageStore } from './migrate.ts'
import { type ClickHouseHandle, openClickHouse } from './open-clickhouse.ts'
import { queryDailySpend, queryHiddenCosts, queryTokenMix, queryUsage } from './report-queries.ts'
import { attemptEvent, requestEvent } from './testing/usage-event-fixtures.ts'
import { applyUsageRetention } from './usage-retention.ts'
import { refreshUsageRollup } from './usage-rollup.ts'
import { insertUsageRows, toUsageRow } from './usage-row.ts'

const DB = 'rollup_test'
const scope = { orgId: 'org_a', from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') }

describe('hourly rollup and report queries on the embedded ClickHouse engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-rollup-'))
  let clickhouse: ClickHouseHandle
  const insert = (events: Parameters<typeof toUsageRow>[0][]) =>
    insertUsageRows(clickhouse.client, DB, events.map(toUsageRow))
  const refresh = () => refreshUsageRollup(clickhouse.client, DB, { settleMs: 0 })

  beforeAll(async () => {
    clickhouse = await openClickHouse({ kind: 'embedded', path: join(dir, 'chdb') })
    await migrateUsageStore(clickhouse.client, DB)
  })
  afterAll(async () => {
    await clickhouse.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const tokens = { inputTokens: 1_000, outputTokens: 200, cachedInputTokens: 400 }
  const first = [
    // Team a, 10:00: one request that failed once (timeout) and was retried, one on a fallback.
    attemptEvent({ id: 'a1', occurredAt: '2026-11-02T10:05:00Z', status: 'timeout', requestId: 'r1' }),
    attemptEvent({
      id: 'a2',
      occurredAt: '2026-11-02T10:05:01Z',
      attemptNumber: 2,
      tokens,
      costMicroUsd: 1_500,
      requestId: 'r1',
    }),
    requestEvent({
      id: 'q1',
      occurredAt: '2026-11-02T10:05:00Z',
      tokens,
      costMicroUsd: 1_500,
      requestId: 'r1',
      attemptCount: 2,
    }),
    attemptEvent({
      id: 'a3',
      occurredAt: '2026-11-02T10:30:00Z',
      fallbackReason: 'rate_limited',
      upstreamModel: 'gpt-4o-mini',
      costMicroUsd: 90,
      tokens,
      requestId: 'r2',
    }),
    requestEvent({ id: 'q2', occurredAt: '2026-11-02T10:30:00Z', costMicroUsd: 90, tokens, requestId: 'r2' }),
    // Team b, next day: an abandoned stream and a cache hit.
    attemptEvent({
      id: 'a4',
      occurredAt: '2026-11-03T08:00:00Z',
      status: 'aborted',
      costMicroUsd: 333,
      attribution: { teamId: 'team_b' },
    }),
    requestEvent({
      id: 'q4',
      occurredAt: '2026-11-03T08:00:00Z',
      status: 'aborted',
      costMicroUsd: 333,
      attribution: { teamId: 'team_b' },
    }),
    requestEvent({
      id: 'q5',
      occurredAt: '2026-11-03T09:00:00Z',
      isCacheHit: true,
      cacheSavedMicroUsd: 777,
      attemptCount: 0,
      attribution: { teamId: 'team_b' },
    }),
    // Another org: never in org_a's reports.
    attemptEvent({
      id: 'x1',
      occurredAt: '2026-11-02T10:00:00Z',
      costMicroUsd: 5_000_000,
      attribution: { orgId: 'org_b' },
    }),
  ]

  it('rolls up exactly what was inserted, and each event once though delivered twice', async () => {
    await insert(first)
    await insert(first.slice(0, 4)) // a re-delivered batch
    const refreshed = await refresh()
    expect(refreshed.hours).toEqual(['2026-11-02 10:00:00', '2026-11-03 08:00:00', '2026-11-03 09:00:00'])
    const [total] = await queryUsage(clickhouse.client, DB, { ...scope, groupBy: [], granularity: 'total' })
    expect(total).toMatchObject({ requests: 4, attempts: 4, costMicroUsd: 1_500 + 90 + 333, inputTokens: 2_000 })
    const raw = await clickhouse.client.query({
      query: `SELECT count() AS n, sum(cost_micro_usd) AS cost FROM ${DB}.usage_events FINAL WHERE org_id = 'org_a' AND kind = 'attempt'`,
      format: 'JSONEachRow',
    })
    expect(await raw.json()).toEqual([{ n: '4', cost: '1923' }])
  })

  it('a refresh after a re-delivery recomputes the hour and still counts each event once', async () => {
    await insert(first.slice(1, 3))
    expect((await refresh()).hours).toEqual(['2026-11-02 10:00:00'])
    const rows = await queryUsage(clickhouse.client, DB, { ...scope, groupBy: ['team'], granularity: 'day' })
    expect(
      rows.map((row) => [row.bucketStart?.toISOString(), row.dimensions.team, row.requests, row.costMicroUsd]),
    ).toEqual([
      ['2026-11-02T00:00:00.000Z', 'team_a', 2, 1_590],
      ['2026-11-03T00:00:00.000Z', 'team_b', 2, 333],
    ])
  })

  it('a later event in an old hour updates that hour', async () => {
    await insert([attemptEvent({ id: 'a9', occurredAt: '2026-11-02T10:59:59.999Z', costMicroUsd: 10 })])
    expect((await refresh()).hours).toEqual(['2026-11-02 10:00:00'])
    const [total] = await queryUsage(clickhouse.client, DB, {
      ...scope,
      where: { team: ['team_a'] },
      groupBy: [],
      granularity: 'total',
    })
    expect(total?.costMicroUsd).toBe(1_600)
    expect(total?.attempts).toBe(4)
  })

  it('groups by a time zone’s days and ranks the top N', async () => {
    const inTokyo = await queryUsage(clickhouse.client, DB, {
      ...scope,
      groupBy: [],
      granularity: 'day',
      timeZone: 'Asia/Tokyo',
    })
    // 10:xx UTC on the 2nd is 19:xx in Tokyo; 08:00 and 09:00 UTC on the 3rd are 17:00 and 18:00 there.
    expect(inTokyo.map((row) => [row.bucketStart?.toISOString(), row.costMicroUsd])).toEqual([
      ['2026-11-01T15:00:00.000Z', 1_600],
      ['2026-11-02T15:00:00.000Z', 333],
    ])
    const top = await queryUsage(clickhouse.client, DB, {
      ...scope,
      groupBy: ['upstreamModel'],
      granularity: 'total',
      orderBy: 'costMicroUsd',
      limit: 1,
    })
    expect(top.map((row) => [row.dimensions.upstreamModel, row.costMicroUsd])).toEqual([['gpt-4o', 1_843]])
  })

  it('breaks down hidden costs per team', async () => {
    const rows = await queryHiddenCosts(clickhouse.client, DB, scope)
    expect(rows).toEqual([
      expect.objectContaining({
        teamId: 'team_a',
        failedAttempts: 1,
        retryAttempts: 1,
        retryCostMicroUsd: 1_500,
        fallbackAttempts: 1,
        fallbackCostMicroUsd: 90,
        abortedAttempts: 0,
        cachedInputTokens: 800,
      }),
      expect.objectContaining({
        teamId: 'team_b',
        abortedAttempts: 1,
        abortedCostMicroUsd: 333,
        exactCacheHits: 1,
        exactCacheSavedMicroUsd: 777,
      }),
    ])
  })

  it('reads the token mix per model and daily spend per scope, tags from the raw table', async () => {
    const mix = await queryTokenMix(
      clickhouse.client,
      DB,
      { ...scope, teamIds: ['team_a'] },
      { byTeam: false, byDay: false },
    )
    expect(mix.map((row) => [row.upstreamModel, row.inputTokens, row.cachedInputTokens, row.costMicroUsd])).toEqual([
      ['gpt-4o', 1_000, 400, 1_510],
      ['gpt-4o-mini', 1_000, 400, 90],
    ])
    await insert([
      attemptEvent({
        id: 't1',
        occurredAt: '2026-11-04T12:00:00Z',
        costMicroUsd: 42,
        attribution: { tags: { app: 'chat' } },
      }),
    ])
    await refresh()
    const byTeam = await queryDailySpend(clickhouse.client, DB, {
      orgId: 'org_a',
      scope: { kind: 'team', id: 'team_a' },
      from: scope.from,
      to: scope.to,
      timeZone: 'UTC',
    })
    expect(byTeam).toEqual([
      { day: '2026-11-02', costMicroUsd: 1_600 },
      { day: '2026-11-04', costMicroUsd: 42 },
    ])
    const byTag = await queryDailySpend(clickhouse.client, DB, {
      orgId: 'org_a',
      scope: { kind: 'tag', name: 'app', value: 'chat' },
      from: scope.from,
      to: scope.to,
      timeZone: 'UTC',
    })
    expect(byTag).toEqual([{ day: '2026-11-04', costMicroUsd: 42 }])
  })

  it('sets, changes and removes the retention TTLs', async () => {
    const ttlOf = async (table: string) => {
      const result = await clickhouse.client.query({
        query: `SELECT create_table_query AS q FROM system.tables WHERE database = '${DB}' AND name = '${table}'`,
        format: 'JSONEachRow',
      })
      return /TTL (.*?)(?: SETTINGS|$)/.exec((await result.json<{ q: string }>())[0]?.q ?? '')?.[1]
    }
    await applyUsageRetention(clickhouse.client, DB, { rawRetentionDays: 90 })
    expect(await ttlOf('usage_events')).toBe('toDateTime(occurred_at) + toIntervalDay(90)')
    expect(await ttlOf('usage_hourly')).toBeUndefined()
    await applyUsageRetention(clickhouse.client, DB, { rawRetentionDays: 30, rollupRetentionDays: 800 })
    expect(await ttlOf('usage_events')).toBe('toDateTime(occurred_at) + toIntervalDay(30)')
    expect(await ttlOf('usage_hourly')).toBe('toDateTime(hour) + toIntervalDay(800)')
    await applyUsageRetention(clickhouse.client, DB, {})
    expect(await ttlOf('usage_events')).toBeUndefined()
    await expect(applyUsageRetention(clickhouse.client, DB, { rawRetentionDays: 0 })).rejects.toThrow(
      'whole number of days',
    )
  })
})
