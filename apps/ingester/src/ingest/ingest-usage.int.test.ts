import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { type Bus, createInProcessBus, createNatsBus } from '@switchyard/bus'
import { USAGE_EVENT_SCHEMA_VERSION, type UsageEvent } from '@switchyard/contracts'
import { createLogger } from '@switchyard/http-server'
import { type NatsServerHandle, startNatsServer } from '@switchyard/test-services'
import { type ClickHouseHandle, migrateUsageStore, openClickHouse } from '@switchyard/usage-store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type IngestStats, ingestUsage } from './ingest-usage.ts'

const log = createLogger('test', 'silent')
const encoder = new TextEncoder()

function requestEvent(index: number): UsageEvent {
  return {
    schemaVersion: USAGE_EVENT_SCHEMA_VERSION,
    kind: 'request',
    id: `evt_${index}`,
    requestId: `req_${index}`,
    gatewayRequestId: `gw_req_${index}`,
    occurredAt: '2026-11-20T10:00:00.000Z',
    gatewayPodId: 'pod-a',
    attribution: {
      orgId: 'org',
      teamId: index % 2 === 0 ? 'team_even' : 'team_odd',
      projectId: null,
      environment: 'test',
      costCenter: null,
      userId: null,
      keyId: 'key_1',
      tags: { app: 'ingest-test' },
    },
    requestedModel: 'gpt-4o-mini',
    endpoint: 'chat.completions',
    isStream: false,
    tokens: {
      inputTokens: 10,
      outputTokens: 5,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
      reasoningTokens: 0,
      isEstimated: false,
    },
    costMicroUsd: 1_000 + index,
    latencyMs: 20,
    timeToFirstTokenMs: null,
    status: 'success',
    httpStatus: 200,
    errorClass: null,
    attemptCount: 1,
    deploymentId: 'dep_1',
    isCacheHit: false,
    cacheSavedMicroUsd: 0,
    guardrailActions: [],
  }
}

async function totals(clickhouse: ClickHouseHandle, database: string) {
  const result = await clickhouse.client.query({
    query: `SELECT count() AS events, sum(cost_micro_usd) AS cost FROM ${database}.usage_events FINAL`,
    format: 'JSONEachRow',
  })
  const [row] = await result.json<{ events: string; cost: string }>()
  return { events: Number(row?.events), cost: Number(row?.cost) }
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await delay(25)
  }
}

const dir = mkdtempSync(join(tmpdir(), 'sy-ingest-'))
let clickhouse: ClickHouseHandle
let nats: NatsServerHandle

beforeAll(async () => {
  clickhouse = await openClickHouse({ kind: 'embedded', path: join(dir, 'chdb') })
  nats = await startNatsServer()
})
afterAll(async () => {
  await clickhouse?.close()
  await nats?.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe.each([
  ['in-process bus', async () => createInProcessBus({ name: 'ingest-test' })],
  ['NATS JetStream', async () => createNatsBus({ servers: nats.url, name: 'ingest-test' })],
] as const)('ingesting usage from the %s into ClickHouse', (name, openBus) => {
  it('inserts every valid event once, counts duplicates once, dead-letters the bad one', async () => {
    const database = name === 'NATS JetStream' ? 'usage_nats' : 'usage_inprocess'
    await migrateUsageStore(clickhouse.client, database)
    const bus: Bus = await openBus()
    const events = Array.from({ length: 300 }, (_, index) => requestEvent(index))
    for (const event of events) await bus.publishUsage({ id: event.id, body: encoder.encode(JSON.stringify(event)) })
    // A re-published event (a pod retrying after a lost ack) and a malformed one.
    const again = events[7]
    if (!again) throw new Error('fixture')
    await bus.publishUsage({ id: again.id, body: encoder.encode(JSON.stringify(again)) })
    await bus.publishUsage({ id: 'evt_bad', body: encoder.encode('{"schemaVersion":1,"kind":"request"}') })

    const stopping = new AbortController()
    const stats: IngestStats = { inserted: 0, deadLettered: 0, insertFailures: 0, ackFailures: 0 }
    const options = { database, maxBatch: 64, maxWaitMs: 50, ackWaitMs: 5_000, retryBackoffMs: 50 }
    const loop = ingestUsage(bus, clickhouse, options, log, stopping.signal, stats)
    await until(() => stats.inserted + stats.deadLettered >= 301, 20_000).catch((error: unknown) => {
      console.log('STATS', JSON.stringify(stats))
      throw error
    })
    stopping.abort()
    await loop
    await bus.close()

    expect(stats.deadLettered).toBe(1)
    const expectedCost = events.reduce((sum, event) => sum + event.costMicroUsd, 0)
    expect(await totals(clickhouse, database)).toEqual({ events: 300, cost: expectedCost })
    const linked = await clickhouse.client.query({
      query: `SELECT request_id, gateway_request_id FROM ${database}.usage_events FINAL WHERE id = 'evt_42'`,
      format: 'JSONEachRow',
    })
    expect(await linked.json()).toEqual([{ request_id: 'req_42', gateway_request_id: 'gw_req_42' }])
  })
})
