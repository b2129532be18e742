import { createHmac } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { budgetAlerts, budgets, type DatabaseHandle, openPostgres, orgs, teams } from '@switchyard/db'
import { createLogger } from '@switchyard/http-server'
import { type PostgresServerHandle, startPostgresServer } from '@switchyard/test-services'
import {
  type ClickHouseHandle,
  insertUsageRows,
  migrateUsageStore,
  openClickHouse,
  querySpend,
  toUsageRow,
} from '@switchyard/usage-store'
import { attemptEvent } from '@switchyard/usage-store/testing'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BudgetAlerter } from './budget-alerter.ts'

const DB = 'switchyard'
const SECRET = 'whsec-test-secret'
const NOW = new Date('2026-11-15T12:00:00Z')
const dir = mkdtempSync(join(tmpdir(), 'sy-alerts-'))
let server: PostgresServerHandle
let database: DatabaseHandle
let clickhouse: ClickHouseHandle
let receiver: Server
let receiverUrl: string
const received: Array<{ body: string; headers: Record<string, string | string[] | undefined> }> = []
let answerWith = 200

let eventCount = 0
async function spend(costMicroUsd: number) {
  eventCount += 1
  const event = attemptEvent({
    id: `e${eventCount}`,
    occurredAt: '2026-11-15T08:00:00Z',
    attribution: { orgId: 'org_1', teamId: 'team_1' },
    costMicroUsd,
  })
  await insertUsageRows(clickhouse.client, DB, [toUsageRow(event)])
}

function alerter() {
  return new BudgetAlerter({
    db: database.db,
    spend: { spend: (query) => querySpend(clickhouse.client, DB, query) },
    webhook: { url: receiverUrl, secret: SECRET },
    log: createLogger('test', 'silent'),
    now: () => NOW,
  })
}

beforeAll(async () => {
  server = await startPostgresServer()
  database = openPostgres({ url: await server.createDatabase('alerts') })
  await database.migrate()
  clickhouse = await openClickHouse({ kind: 'embedded', path: join(dir, 'chdb') })
  await migrateUsageStore(clickhouse.client, DB)
  receiver = createServer(async (request, response) => {
    let body = ''
    for await (const chunk of request) body += String(chunk)
    received.push({ body, headers: request.headers })
    response.writeHead(answerWith).end()
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/budget`
  await database.db.insert(orgs).values({ id: 'org_1', name: 'acme' })
  await database.db.insert(teams).values({ id: 'team_1', orgId: 'org_1', name: 'search' })
  await database.db.insert(budgets).values({
    id: 'budget_1',
    name: 'search-monthly',
    orgId: 'org_1',
    teamId: 'team_1',
    scope: { kind: 'team', id: 'team_1' },
    window: 'monthly',
    timeZone: 'UTC',
    limitMicroUsd: 1_000_000,
    alertThresholdsPct: [50, 80, 100],
    onExceed: { action: 'reject' },
  })
}, 60_000)

afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve))
  await clickhouse?.close()
  await database?.close()
  await server?.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('budget alerts', () => {
  it('raises each threshold once per window, signed, and not again on the next check', async () => {
    await spend(400_000)
    expect(await alerter().check()).toEqual({ raised: 0, delivered: 0 })
    await spend(450_000)
    expect(await alerter().check()).toEqual({ raised: 2, delivered: 2 })
    expect(await alerter().check()).toEqual({ raised: 0, delivered: 0 })
    expect(received.map((delivery) => JSON.parse(delivery.body).thresholdPct)).toEqual([50, 80])
    const [first] = received
    expect(JSON.parse(first?.body ?? '{}')).toMatchObject({
      type: 'budget.threshold_crossed',
      budget: { id: 'budget_1', name: 'search-monthly', limitMicroUsd: 1_000_000 },
      spentMicroUsd: 850_000,
      windowStartsAt: '2026-11-01T00:00:00.000Z',
    })
    const timestamp = String(first?.headers['x-switchyard-timestamp'])
    const expected = createHmac('sha256', SECRET).update(`${timestamp}.${first?.body}`).digest('hex')
    expect(first?.headers['x-switchyard-signature']).toBe(`sha256=${expected}`)
  })

  it('retries a delivery the webhook refused, and records why', async () => {
    answerWith = 503
    await spend(200_000)
    expect(await alerter().check()).toEqual({ raised: 1, delivered: 0 })
    const [pending] = await database.db.select().from(budgetAlerts).where(eq(budgetAlerts.thresholdPct, 100))
    expect(pending).toMatchObject({ deliveredAt: null, attempts: 1, lastError: 'HTTP 503' })
    answerWith = 200
    expect(await alerter().check()).toEqual({ raised: 0, delivered: 1 })
    expect(received.map((delivery) => JSON.parse(delivery.body).thresholdPct)).toEqual([50, 80, 100, 100])
  })
})
