/**
 * Sustained usage ingest, JetStream → ClickHouse: a real nats-server, N usage events published
 * into the usage stream first, then the ingester as its own process on embedded chDB
 * (`ingester-process.ts`), timed until the durable consumer owes nothing; ClickHouse must then
 * hold exactly N events (FINAL) and their micro-dollars. See docs/benchmarks.md.
 *
 *   pnpm bench:ingest                                   # 200,000 events, max batch 1k/5k/10k, twice each
 *   pnpm bench:ingest --events=50000 --batches=1000 --runs=1
 *   pnpm bench:ingest --profile                         # the ingester under --cpu-prof
 *   pnpm bench:ingest --no-async-traces                 # experiment: its NATS connection without async stack traces
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createNatsBus } from '@switchyard/bus'
import { NatsNames } from '@switchyard/contracts'
import { startNatsServer } from '@switchyard/test-services'
import { assertValidBenchEvent, benchUsageEvents, type EncodedUsageEvent } from './bench-usage-events.ts'
import { type IngestRun, type PublishRun, printReport } from './ingest-report.ts'
import { runIngester } from './run-ingester.ts'

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    batches: { type: 'string', default: '1000,5000,10000' },
    runs: { type: 'string', default: '2' },
    'max-wait-ms': { type: 'string', default: '250' },
    profile: { type: 'boolean', default: false },
    'no-async-traces': { type: 'boolean', default: false },
  },
})
const eventCount = Number(args.events)
const maxBatches = (args.batches ?? '').split(',').map(Number)
const runCount = Number(args.runs)
const maxWaitMs = Number(args['max-wait-ms'])
/** Publish windows, as one publisher (one NATS connection) sends: awaited one by one, a pod's 32 in flight, 256. */
const PUBLISH_PHASES = [
  { inFlight: 1, events: Math.min(5_000, Math.floor(eventCount / 10)) },
  { inFlight: 32, events: Math.min(50_000, Math.floor(eventCount / 4)) },
  { inFlight: 256, events: Number.POSITIVE_INFINITY },
] as const

async function publishAll(natsUrl: string, events: readonly EncodedUsageEvent[]): Promise<PublishRun> {
  const bus = await createNatsBus({ servers: natsUrl, name: 'bench-publisher' })
  const phases: Array<{ inFlight: number; events: number; eventsPerS: number }> = []
  let next = 0
  try {
    for (const phase of PUBLISH_PHASES) {
      const end = Math.min(events.length, next + phase.events)
      const startedMs = performance.now()
      const phaseStart = next
      const worker = async () => {
        while (next < end) {
          const event = events[next] as EncodedUsageEvent
          next += 1
          const published = await bus.publishUsage({ id: event.id, body: event.body })
          if (published.isDuplicate) throw new Error(`event ${event.id} was stored as a duplicate`)
        }
      }
      await Promise.all(Array.from({ length: phase.inFlight }, worker))
      const seconds = (performance.now() - startedMs) / 1_000
      phases.push({ inFlight: phase.inFlight, events: end - phaseStart, eventsPerS: (end - phaseStart) / seconds })
    }
  } finally {
    await bus.close()
  }
  return { phases }
}

async function runOnce(maxBatch: number, run: number, events: readonly EncodedUsageEvent[], expectedCost: bigint) {
  const workDir = mkdtempSync(join(tmpdir(), 'sy-ingest-bench-'))
  const natsDir = join(workDir, 'nats')
  mkdirSync(natsDir)
  const nats = await startNatsServer({ storeDir: natsDir })
  try {
    const published = await publishAll(nats.url, events)
    const ingest: IngestRun = await runIngester({
      natsUrl: nats.url,
      natsPid: nats.pid,
      chdbPath: join(workDir, 'chdb'),
      eventCount: events.length,
      maxBatch,
      maxWaitMs,
      profileDir: args.profile ? join(workDir, 'profile') : undefined,
      stream: NatsNames.usageStream,
      consumer: NatsNames.usageIngesterConsumer,
      isNoAsyncTraces: args['no-async-traces'] ?? false,
    })
    if (ingest.result.finalEvents !== events.length || BigInt(ingest.result.finalCostMicroUsd) !== expectedCost) {
      throw new Error(
        `ClickHouse holds ${ingest.result.finalEvents} events and ${ingest.result.finalCostMicroUsd} µ$ (FINAL); expected ${events.length} and ${expectedCost}`,
      )
    }
    if (ingest.result.deadLettered > 0) throw new Error(`${ingest.result.deadLettered} events were dead-lettered`)
    return { maxBatch, run, published, ingest }
  } finally {
    await nats.dispose()
    if (!args.profile) rmSync(workDir, { recursive: true, force: true })
  }
}

console.error(`generating ${eventCount.toLocaleString('en-US')} usage events…`)
const events = [...benchUsageEvents(eventCount)]
for (let index = 0; index < events.length; index += 997)
  assertValidBenchEvent((events[index] as EncodedUsageEvent).body)
const expectedCost = events.reduce((sum, event) => sum + BigInt(event.costMicroUsd), 0n)
const meanBytes = events.reduce((sum, event) => sum + event.body.length, 0) / events.length

const results = []
for (let run = 1; run <= runCount; run += 1) {
  for (const maxBatch of maxBatches) {
    console.error(`run ${run}, max batch ${maxBatch}…`)
    const result = await runOnce(maxBatch, run, events, expectedCost)
    console.error(
      `  ${Math.round(result.ingest.overallEventsPerS)} events/s overall, ${Math.round(result.ingest.steadyEventsPerS)} steady; verified ${result.ingest.result.finalEvents} events in ClickHouse`,
    )
    results.push(result)
  }
}
printReport({
  eventCount,
  meanBytes,
  maxWaitMs,
  isNoAsyncTraces: args['no-async-traces'] ?? false,
  cpuModel: cpus()[0]?.model ?? 'unknown CPU',
  cores: cpus().length,
  results,
})
