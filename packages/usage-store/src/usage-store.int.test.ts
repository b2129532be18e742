import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateUsageStore, readUsageStoreMigrations } from './migrate.ts'
import { type ClickHouseHandle, openClickHouse } from './open-clickhouse.ts'

describe('usage store on the embedded ClickHouse engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-chdb-'))
  let clickhouse: ClickHouseHandle
  beforeAll(async () => {
    clickhouse = await openClickHouse({ kind: 'embedded', path: join(dir, 'chdb') })
  })
  afterAll(async () => {
    await clickhouse.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers a ping', async () => {
    await expect(clickhouse.ping()).resolves.toBeUndefined()
  })

  it('applies every migration once, then none', async () => {
    const all = readUsageStoreMigrations('switchyard').map((migration) => migration.name)
    expect(all.length).toBeGreaterThan(0)
    expect(await migrateUsageStore(clickhouse.client, 'switchyard')).toEqual(all)
    expect(await migrateUsageStore(clickhouse.client, 'switchyard')).toEqual([])
  })

  it('collapses a re-delivered event into one row', async () => {
    const row = {
      id: 'evt_1',
      kind: 'request',
      request_id: 'req_1',
      occurred_at: '2026-11-01 10:00:00.000',
      org_id: 'org',
      cost_micro_usd: 1234,
    }
    await clickhouse.client.insert({ table: 'switchyard.usage_events', values: [row, row], format: 'JSONEachRow' })
    await clickhouse.client.insert({ table: 'switchyard.usage_events', values: [row], format: 'JSONEachRow' })
    const result = await clickhouse.client.query({
      query: 'SELECT count() AS events, sum(cost_micro_usd) AS cost FROM switchyard.usage_events FINAL',
      format: 'JSONEachRow',
    })
    expect(await result.json()).toEqual([{ events: '1', cost: '1234' }])
  })

  it('refuses a database name that is not a plain identifier', () => {
    expect(() => readUsageStoreMigrations('x; DROP TABLE y')).toThrow('not a plain database name')
  })
})
