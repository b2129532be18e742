import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type ClickHouseHandle,
  insertUsageRows,
  migrateUsageStore,
  openClickHouse,
  querySpend,
  toUsageRow,
} from '@switchyard/usage-store'
import { attemptEvent, requestEvent } from '@switchyard/usage-store/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readBudgetBaselines, type SpendSource } from './budget-baselines.ts'
import type { PolicyState } from './compile-snapshot.ts'

const dir = mkdtempSync(join(tmpdir(), 'sy-baselines-'))
const DB = 'switchyard'
let clickhouse: ClickHouseHandle
let source: SpendSource

const budget = (id: string, scope: PolicyState['budgets'][number]['scope']): PolicyState['budgets'][number] => ({
  id,
  orgId: 'org_a',
  name: id,
  scope,
  window: 'monthly',
  timeZone: 'UTC',
  limitMicroUsd: 100_000_000,
  alertThresholdsPct: [100],
  onExceed: { action: 'reject' },
})

beforeAll(async () => {
  clickhouse = await openClickHouse({ kind: 'embedded', path: join(dir, 'chdb') })
  await migrateUsageStore(clickhouse.client, DB)
  const team = { teamId: 'team_a', tags: { costCenter: 'ml' } }
  const events = [
    // Last month: not this window.
    attemptEvent({ id: 'a0', occurredAt: '2026-10-31T23:59:59Z', attribution: team, costMicroUsd: 1_000 }),
    attemptEvent({ id: 'a1', occurredAt: '2026-11-01T00:00:00Z', attribution: team, costMicroUsd: 200 }),
    attemptEvent({ id: 'a2', occurredAt: '2026-11-15T09:59:59Z', attribution: team, costMicroUsd: 30 }),
    // At or after the watermark: the pods' to count.
    attemptEvent({ id: 'a3', occurredAt: '2026-11-15T10:00:00Z', attribution: team, costMicroUsd: 4_000 }),
    // Another team, and a request summary (its cost is its attempts', not counted twice).
    attemptEvent({
      id: 'a4',
      occurredAt: '2026-11-10T00:00:00Z',
      attribution: { teamId: 'team_b' },
      costMicroUsd: 50_000,
    }),
    requestEvent({ id: 'r1', occurredAt: '2026-11-10T00:00:00Z', attribution: team, costMicroUsd: 230 }),
  ]
  const rows = events.map((event) => toUsageRow(event))
  await insertUsageRows(clickhouse.client, DB, rows)
  // The same events delivered again are counted once.
  await insertUsageRows(clickhouse.client, DB, rows.slice(1, 3))
  source = { spend: (query) => querySpend(clickhouse.client, DB, query) }
}, 60_000)

afterAll(async () => {
  await clickhouse?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('budget baselines from the usage store', () => {
  it('reads each budget’s spend this window up to an hour boundary an hour back, exactly and once', async () => {
    const budgets = [
      budget('b_team', { kind: 'team', id: 'team_a' }),
      budget('b_tag', { kind: 'tag', name: 'costCenter', value: 'ml' }),
      budget('b_other', { kind: 'team', id: 'team_c' }),
    ]
    const baselines = await readBudgetBaselines(budgets, source, new Date('2026-11-15T11:30:00Z'))
    const through = new Date('2026-11-15T10:00:00Z')
    expect(baselines.get('b_team')).toEqual({ spentMicroUsd: 230, spentThrough: through })
    expect(baselines.get('b_tag')).toEqual({ spentMicroUsd: 230, spentThrough: through })
    expect(baselines.get('b_other')).toEqual({ spentMicroUsd: 0, spentThrough: through })
  })

  it('has no baseline for a window younger than the lag', async () => {
    const daily = { ...budget('b_daily', { kind: 'team', id: 'team_a' }), window: 'daily' as const }
    const baselines = await readBudgetBaselines([daily], source, new Date('2026-11-15T00:30:00Z'))
    expect(baselines.has('b_daily')).toBe(false)
  })
})
