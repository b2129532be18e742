import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { type Bus, createNatsBus } from '@switchyard/bus'
import { type NatsServerHandle, startNatsServer } from '@switchyard/test-services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NodeProcess, startNodeProcess } from './support/node-process.ts'
import { readUsageBacklog } from './support/usage-backlog.ts'
import { costOfEvent, syntheticUsageEvent } from './support/usage-events.ts'
import { readClickHouseUsageTotals } from './support/usage-totals.ts'

/**
 * The ingester is SIGKILLed at random points while usage events flow, and restarted, several
 * times: ClickHouse must end up holding every event exactly once, to the micro-dollar.
 *
 * Real processes: nats-server with JetStream, the ingester as its own process
 * (`apps/ingester/src/main.ts`) writing to the embedded chDB engine. Events are published straight
 * to the stream with known ids and costs, as gateway pods publish them; some twice (a pod's replay
 * after a lost ack). Sizes come from the environment so CI and a longer local run share the code:
 * `SWITCHYARD_E2E_CRASH_EVENTS` (default 100,000), `SWITCHYARD_E2E_CRASH_KILLS` (default 5),
 * `SWITCHYARD_E2E_CRASH_SEED` (random; printed, so a failing run can be replayed).
 */
const EVENT_COUNT = Number(process.env.SWITCHYARD_E2E_CRASH_EVENTS ?? 100_000)
const KILLS = Number(process.env.SWITCHYARD_E2E_CRASH_KILLS ?? 5)
const SEED = Number(process.env.SWITCHYARD_E2E_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31))
/** Every this many events one is published a second time (same id): the stream must store it once. */
const REPUBLISH_EVERY = 97
/** Short, so that what a killed ingester held unacked comes back within seconds. */
const ACK_WAIT_MS = 2_000
const DATABASE = 'switchyard'
const encoder = new TextEncoder()

/** mulberry32: a small seeded generator, so kill points can be replayed from the printed seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const workDir = mkdtempSync(join(tmpdir(), 'sy-ingester-crash-'))
const chdbPath = join(workDir, 'chdb')
let nats: NatsServerHandle
let publisher: Bus

function startIngesterProcess(): NodeProcess {
  return startNodeProcess('ingester', {
    SWITCHYARD_NATS_URL: nats.url,
    SWITCHYARD_CLICKHOUSE_PATH: chdbPath,
    SWITCHYARD_CLICKHOUSE_DATABASE: DATABASE,
    SWITCHYARD_INGESTER_HOST: '127.0.0.1',
    SWITCHYARD_INGESTER_PORT: '0',
    SWITCHYARD_INGEST_ACK_WAIT_MS: String(ACK_WAIT_MS),
    SWITCHYARD_LOG_LEVEL: 'info',
  })
}

/** Publishes events 0…count-1 (and every `REPUBLISH_EVERY`th again), `concurrency` at a time. */
async function publishAll(bus: Bus, count: number, concurrency: number): Promise<number> {
  let next = 0
  let publishes = 0
  const publishOne = async (index: number) => {
    const event = syntheticUsageEvent('crash', index)
    const body = encoder.encode(JSON.stringify(event))
    // A publish that times out is retried with the same id, as a pod's spool replay does.
    for (;;) {
      try {
        await bus.publishUsage({ id: event.id, body })
        publishes += 1
        return
      } catch {
        await delay(100)
      }
    }
  }
  const worker = async () => {
    for (;;) {
      const index = next
      next += 1
      if (index >= count) return
      await publishOne(index)
      if (index % REPUBLISH_EVERY === 0) await publishOne(index)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return publishes
}

beforeAll(async () => {
  nats = await startNatsServer()
  publisher = await createNatsBus({ servers: nats.url, name: 'e2e-crash-publisher' })
})

afterAll(async () => {
  await publisher?.close()
  await nats?.dispose()
  rmSync(workDir, { recursive: true, force: true })
})

describe('usage ingestion survives an ingester killed at random points', () => {
  it(`ClickHouse totals equal the ${EVENT_COUNT} events sent, exactly, after ${KILLS} SIGKILLs`, async () => {
    const random = seededRandom(SEED)
    const startedAt = performance.now()
    console.info(`ingester crash test: ${EVENT_COUNT} events, ${KILLS} kills, seed ${SEED}`)
    const publishing = publishAll(publisher, EVENT_COUNT, 256)

    const kills: string[] = []
    for (let round = 0; round < KILLS; round += 1) {
      const ingester = startIngesterProcess()
      // Killed anywhere from before its consumer is up to deep inside a batch insert.
      await ingester.waitForLog('usage store migrated', 60_000)
      const killAfterMs = Math.floor(200 + random() * 3_000)
      await delay(killAfterMs)
      const backlog = await readUsageBacklog(nats.url)
      expect(await ingester.stop('SIGKILL')).toBeNull()
      expect(ingester.child.signalCode).toBe('SIGKILL')
      kills.push(`+${killAfterMs} ms (stream ${backlog?.streamMessages}, unacked ${backlog?.ackPending})`)
    }
    const publishes = await publishing
    const publishedAt = performance.now()

    // The last ingester runs to the end: every event stored in the stream is then acked, and
    // an ingester acks only after ClickHouse accepted the insert.
    const survivor = startIngesterProcess()
    await survivor.waitForLog('usage store migrated', 60_000)
    const deadline = Date.now() + 120_000
    for (;;) {
      const backlog = await readUsageBacklog(nats.url)
      if (backlog !== null && backlog.pending === 0 && backlog.ackPending === 0) {
        expect(backlog.streamMessages).toBe(EVENT_COUNT)
        console.info(`redelivered after the kills: ${backlog.redelivered}`)
        break
      }
      if (Date.now() > deadline) throw new Error(`the ingester never caught up: ${JSON.stringify(backlog)}`)
      await delay(250)
    }
    expect(await survivor.stop('SIGTERM')).toBe(0)
    const ingestedAt = performance.now()
    const deadLettered = survivor.lines().filter((line) => line.includes('usage event dead-lettered'))
    expect(deadLettered).toEqual([])

    let expectedCost = 0n
    for (let index = 0; index < EVENT_COUNT; index += 1) expectedCost += BigInt(costOfEvent(index))
    const totals = await readClickHouseUsageTotals(chdbPath, DATABASE)
    console.info(
      [
        `kills at ${kills.join(', ')}`,
        `${publishes} publishes (${publishes - EVENT_COUNT} repeats) in ${Math.round(publishedAt - startedAt)} ms`,
        `all ingested ${Math.round(ingestedAt - startedAt)} ms after the start`,
        `ClickHouse: ${totals.rawRows} rows stored, ${totals.final.events} events after de-duplication`,
      ].join('; '),
    )
    expect(totals.final).toEqual({ events: EVENT_COUNT, costMicroUsd: expectedCost })
    expect(totals.byId).toEqual({ events: EVENT_COUNT, costMicroUsd: expectedCost })
    expect(totals.rawRows).toBeGreaterThanOrEqual(EVENT_COUNT)
  }, 300_000)
})
