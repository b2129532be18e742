import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { type RunningSimulator, startSimulator } from '@switchyard/simulator'
import {
  type NatsServerHandle,
  type PostgresServerHandle,
  startNatsServer,
  startPostgresServer,
} from '@switchyard/test-services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listeningGateway, sharedSecrets, startControlPlaneProcess } from './support/distributed-stack.ts'
import { type NodeProcess, startNodeProcess } from './support/node-process.ts'
import { readUsageBacklog } from './support/usage-backlog.ts'
import { readClickHouseUsageTotals } from './support/usage-totals.ts'

/**
 * NATS goes away for `SWITCHYARD_E2E_NATS_OUTAGE_MS` (default 30 s) while a gateway process
 * serves a steady load of streamed and whole chat completions: no client request may fail
 * because of it, the pod spools its usage events to disk, and once NATS is back every event
 * reaches JetStream exactly once and, through the ingester process, ClickHouse, to the
 * micro-dollar the clients' own usage implies.
 *
 * Real processes: PostgreSQL and a control plane (the pod's policy snapshot), nats-server with
 * JetStream (stopped with SIGTERM and started again on the same store), one gateway pod, the
 * ingester on the embedded chDB engine; the provider simulator upstream.
 */
const OUTAGE_MS = Number(process.env.SWITCHYARD_E2E_NATS_OUTAGE_MS ?? 30_000)
/** Clients sending back to back: enough to keep the pod busy on two cores with everything else. */
const CLIENTS = Number(process.env.SWITCHYARD_E2E_NATS_OUTAGE_CLIENTS ?? 4)
/** $2.50 / MTok input, $10 / MTok output, set on the deployment so the test knows its prices. */
const INPUT_MICRO_USD_PER_MTOK = 2_500_000
const OUTPUT_MICRO_USD_PER_MTOK = 10_000_000
const DATABASE = 'switchyard'

const workDir = mkdtempSync(join(tmpdir(), 'sy-nats-outage-'))
const chdbPath = join(workDir, 'chdb')
const apiKey = `sk-sy-e2e-${randomBytes(16).toString('hex')}`
const shared = sharedSecrets()

let postgres: PostgresServerHandle
let nats: NatsServerHandle
let simulator: RunningSimulator
let controlPlane: NodeProcess
let gateway: NodeProcess
let gatewayUrl: string
let ingester: NodeProcess

interface ClientUsage {
  readonly prompt_tokens: number
  readonly completion_tokens: number
}

/** What the gateway must charge for what the client saw: per request, rounded up once. */
function expectedCostMicroUsd(usage: ClientUsage): number {
  return Math.ceil(
    (usage.prompt_tokens * INPUT_MICRO_USD_PER_MTOK + usage.completion_tokens * OUTPUT_MICRO_USD_PER_MTOK) / 1_000_000,
  )
}

async function gatewayMetric(line: string): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text()
  const escaped = line.replace(/[{}"]/g, (c) => `\\${c}`)
  const value = new RegExp(`^${escaped} (\\d+)$`, 'm').exec(text)?.[1]
  if (value === undefined) throw new Error(`no metric ${line}`)
  return Number(value)
}

/** One chat completion, streamed or not, with its own x-request-id; what it cost as the client saw it. */
async function chat(requestId: string, isStream: boolean): Promise<{ status: number; usage: ClientUsage | null }> {
  const response = await fetch(`${gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify({
      model: 'chat',
      messages: [{ role: 'user', content: `request ${requestId}: say something short` }],
      ...(isStream ? { stream: true, stream_options: { include_usage: true } } : {}),
    }),
  })
  const text = await response.text()
  if (response.status !== 200) return { status: response.status, usage: null }
  if (!isStream) return { status: 200, usage: (JSON.parse(text) as { usage: ClientUsage }).usage }
  if (!text.includes('data: [DONE]')) return { status: 599, usage: null }
  const frames = text.split('\n\n').filter((frame) => frame.startsWith('data: {'))
  const last = frames.map((frame) => JSON.parse(frame.slice('data: '.length)) as { usage?: ClientUsage | null }).at(-1)
  return { status: 200, usage: last?.usage ?? null }
}

beforeAll(async () => {
  ;[postgres, nats, simulator] = await Promise.all([startPostgresServer(), startNatsServer(), startSimulator()])
  simulator.scenarios.set('gpt-4o-mini', { outputTokens: 12 })
  const configPath = join(workDir, 'switchyard.yaml')
  writeFileSync(
    configPath,
    [
      'version: 1',
      'providers:',
      `  - { name: sim, type: openai-compatible, baseUrl: "${simulator.url}/openai/v1", apiKey: { env: E2E_SIM_KEY } }`,
      'models:',
      '  - name: chat',
      '    deployments:',
      '      - provider: sim',
      '        model: gpt-4o-mini',
      `        prices: { inputMicroUsdPerMTok: ${INPUT_MICRO_USD_PER_MTOK}, outputMicroUsdPerMTok: ${OUTPUT_MICRO_USD_PER_MTOK} }`,
      'orgs: [{ name: acme }]',
      'teams: [{ name: search, org: acme }]',
      'keys: [{ name: e2e, team: search, secret: { env: E2E_KEY } }]',
    ].join('\n'),
  )
  controlPlane = (
    await startControlPlaneProcess({
      postgres,
      nats,
      secrets: shared,
      configPath,
      env: {
        SWITCHYARD_ADMIN_TOKEN: `admin-${randomBytes(24).toString('hex')}`,
        E2E_SIM_KEY: 'sk-upstream-secret',
        E2E_KEY: apiKey,
      },
    })
  ).process
  ;({ process: gateway, url: gatewayUrl } = await listeningGateway({
    nats,
    secrets: shared,
    podId: 'pod-outage',
    workDir,
    env: { SWITCHYARD_DRAIN_TIMEOUT_MS: '5000' },
  }))
  ingester = startNodeProcess('ingester', {
    SWITCHYARD_NATS_URL: nats.url,
    SWITCHYARD_CLICKHOUSE_PATH: chdbPath,
    SWITCHYARD_CLICKHOUSE_DATABASE: DATABASE,
    SWITCHYARD_INGESTER_HOST: '127.0.0.1',
    SWITCHYARD_INGESTER_PORT: '0',
  })
  await ingester.waitForLog('ingester listening', 60_000)
  const deadline = Date.now() + 20_000
  while ((await fetch(`${gatewayUrl}/readyz`)).status !== 200) {
    if (Date.now() > deadline) throw new Error('the gateway never became ready')
    await delay(50)
  }
})

/** SIGTERM, then SIGKILL if the process has not exited within 15 s (its last log lines are shown). */
async function stopOrKill(process: NodeProcess | undefined, name: string): Promise<void> {
  if (!process || process.child.exitCode !== null || process.child.signalCode !== null) return
  const stopped = process.stop('SIGTERM')
  const isStopped = await Promise.race([stopped.then(() => true), delay(15_000).then(() => false)])
  if (isStopped) return
  console.warn(`${name} did not stop within 15 s of SIGTERM:\n${process.lines().slice(-15).join('\n')}`)
  await process.stop('SIGKILL')
}

afterAll(async () => {
  await Promise.all([
    stopOrKill(gateway, 'gateway'),
    stopOrKill(ingester, 'ingester'),
    stopOrKill(controlPlane, 'control plane'),
  ])
  await Promise.all([simulator?.close(), nats?.dispose(), postgres?.dispose()])
  rmSync(workDir, { recursive: true, force: true })
})

describe('usage survives a NATS outage under load', () => {
  it(`serves every request through a ${OUTAGE_MS / 1000} s NATS outage and delivers each usage event exactly once`, async () => {
    const seen = new Map<string, ClientUsage>()
    const failures: string[] = []
    let isLoading = true
    let sent = 0
    const client = async (clientIndex: number) => {
      for (let n = 0; isLoading; n += 1) {
        const requestId = `outage-${clientIndex}-${n}`
        sent += 1
        try {
          const { status, usage } = await chat(requestId, n % 2 === 0)
          if (status !== 200 || usage === null) failures.push(`${requestId}: ${status}`)
          else seen.set(requestId, usage)
        } catch (error) {
          failures.push(`${requestId}: ${String(error)}`)
        }
      }
    }
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, index) => client(index)))

    await delay(2_000)
    const beforeOutage = { served: seen.size, spooled: await gatewayMetric('switchyard_usage_events_spooled_total') }
    const outageStartedAt = performance.now()
    await nats.stop()
    await delay(OUTAGE_MS)
    const duringOutage = {
      served: seen.size - beforeOutage.served,
      spooled: (await gatewayMetric('switchyard_usage_events_spooled_total')) - beforeOutage.spooled,
      spoolBytes: await gatewayMetric('switchyard_usage_spool_bytes'),
    }
    await nats.start()
    const outageMs = performance.now() - outageStartedAt
    await delay(2_000)
    isLoading = false
    await load

    console.info(
      `${sent} requests (${CLIENTS} clients), ${duringOutage.served} served during a ${Math.round(outageMs)} ms outage; ` +
        `${duringOutage.spooled} events spooled (${duringOutage.spoolBytes} bytes on disk at its end)`,
    )
    expect(failures).toEqual([])
    expect(seen.size).toBe(sent)
    // Requests went on during the outage, and their usage went to the pod's disk.
    expect(duringOutage.served).toBeGreaterThan(0)
    expect(duringOutage.spooled).toBeGreaterThan(0)
    expect(duringOutage.spoolBytes).toBeGreaterThan(0)

    // One attempt event and one request event per request.
    const expectedEvents = 2 * seen.size
    const replayStartedAt = performance.now()
    const deadline = Date.now() + 60_000
    for (;;) {
      const spoolBytes = await gatewayMetric('switchyard_usage_spool_bytes')
      const backlog = await readUsageBacklog(nats.url).catch(() => null)
      if (
        spoolBytes === 0 &&
        backlog !== null &&
        backlog.streamMessages >= expectedEvents &&
        backlog.pending === 0 &&
        backlog.ackPending === 0
      ) {
        // JetStream stores an event id once: the stream holding exactly this many means none lost, none twice.
        expect(backlog.streamMessages).toBe(expectedEvents)
        break
      }
      if (Date.now() > deadline) {
        const ingesterLog = ingester.lines().slice(-12).join('\n')
        throw new Error(`usage never caught up: spool ${spoolBytes} B, ${JSON.stringify(backlog)}\n${ingesterLog}`)
      }
      await delay(250)
    }
    console.info(
      `spool replayed and ingested ${Math.round(performance.now() - replayStartedAt)} ms after the load ended`,
    )
    for (const reason of ['queue_full', 'spool_full', 'spool_error', 'closed']) {
      expect(await gatewayMetric(`switchyard_usage_events_dropped_total{reason="${reason}"}`)).toBe(0)
    }

    const ingesterWarnings = ingester.lines().filter((line) => /"level":(40|50|60)/.test(line))
    console.info(`ingester warnings and errors: ${ingesterWarnings.length}\n${ingesterWarnings.slice(0, 5).join('\n')}`)
    expect(await ingester.stop('SIGTERM')).toBe(0)
    let expectedCost = 0n
    for (const usage of seen.values()) expectedCost += BigInt(expectedCostMicroUsd(usage))
    const requests = await readClickHouseUsageTotals(chdbPath, DATABASE, "kind = 'request'")
    const attempts = await readClickHouseUsageTotals(chdbPath, DATABASE, "kind = 'attempt'")
    console.info(
      `ClickHouse: ${requests.rawRows + attempts.rawRows} rows stored for ${2 * seen.size} events (re-deliveries collapse at read)`,
    )
    expect(requests.final).toEqual({ events: seen.size, costMicroUsd: expectedCost })
    expect(requests.byId).toEqual({ events: seen.size, costMicroUsd: expectedCost })
    // Each request answered on its first attempt, which carries the same cost.
    expect(attempts.final).toEqual({ events: seen.size, costMicroUsd: expectedCost })
  }, 300_000)
})
