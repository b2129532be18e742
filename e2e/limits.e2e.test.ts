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
import type { NodeProcess } from './support/node-process.ts'

/**
 * Rate limits and budgets across three real gateway processes sharing counts over a real
 * nats-server, with the control plane publishing the limits from its config. The bounds the
 * assertions allow are the documented ones (docs/design/limits.md): between two syncs the pods
 * together take at most what was left, plus one request per other pod.
 */
const POD_COUNT = 3
const SYNC_INTERVAL_MS = 100
const workDir = mkdtempSync(join(tmpdir(), 'sy-limits-'))
const rpmKey = `sk-sy-rpm-${randomBytes(16).toString('hex')}`
const budgetKey = `sk-sy-budget-${randomBytes(16).toString('hex')}`
const shared = sharedSecrets()

let postgres: PostgresServerHandle
let nats: NatsServerHandle
let simulator: RunningSimulator
let controlPlane: NodeProcess
const pods: Array<{ process: NodeProcess; url: string }> = []

function chat(url: string, key: string, maxTokens: number) {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', max_tokens: maxTokens, messages: [{ role: 'user', content: 'hello' }] }),
  })
}

beforeAll(async () => {
  ;[postgres, nats, simulator] = await Promise.all([startPostgresServer(), startNatsServer(), startSimulator()])
  const configPath = join(workDir, 'switchyard.yaml')
  // Output at 10,000 dollars per million tokens: a 10-token answer costs exactly $0.10.
  writeFileSync(
    configPath,
    `version: 1
providers:
  - { name: sim, type: openai-compatible, baseUrl: "${simulator.url}/openai/v1", apiKey: { env: E2E_SIM_KEY } }
models:
  - name: chat
    deployments:
      - { provider: sim, model: gpt-4o-mini, prices: { inputMicroUsdPerMTok: 0, outputMicroUsdPerMTok: 10000000000 } }
orgs: [{ name: acme }]
teams: [{ name: search, org: acme }]
keys:
  - { name: rpm, team: search, secret: { env: E2E_RPM_KEY } }
  - { name: budget, team: search, secret: { env: E2E_BUDGET_KEY } }
rateLimits:
  - { name: rpm-120, scope: { key: rpm }, requestsPerMinute: 120 }
budgets:
  - { name: one-dollar, scope: { key: budget }, window: daily, limitUsd: "1.00" }
`,
  )
  controlPlane = (
    await startControlPlaneProcess({
      postgres,
      nats,
      secrets: shared,
      configPath,
      env: { E2E_RPM_KEY: rpmKey, E2E_BUDGET_KEY: budgetKey, E2E_SIM_KEY: 'sk-upstream-e2e' },
    })
  ).process
  for (let i = 0; i < POD_COUNT; i++) {
    pods.push(
      await listeningGateway({
        nats,
        secrets: shared,
        podId: `pod-${i}`,
        workDir,
        env: { SWITCHYARD_COUNTER_SYNC_INTERVAL_MS: String(SYNC_INTERVAL_MS) },
      }),
    )
  }
  for (const pod of pods) {
    for (let tries = 0; (await fetch(`${pod.url}/readyz`)).status !== 200; tries++) {
      if (tries > 200) throw new Error(`${pod.url} never became ready`)
      await delay(50)
    }
  }
  // The pods greet each other on start; give the greetings a moment to arrive.
  await delay(500)
}, 120_000)

afterAll(async () => {
  await Promise.all([...pods.map((pod) => pod.process.stop()), controlPlane?.stop()])
  await Promise.all([simulator?.close(), nats?.dispose(), postgres?.dispose()])
  rmSync(workDir, { recursive: true, force: true })
})

/** Runs `count` requests across the pods, `concurrency` at a time, round-robin; returns their statuses. */
async function spread(count: number, concurrency: number, send: (url: string) => Promise<Response>) {
  const statuses: number[] = []
  let next = 0
  const worker = async () => {
    for (let index = next++; index < count; index = next++) {
      const pod = pods[index % pods.length]
      if (!pod) throw new Error('no pod')
      const response = await send(pod.url)
      statuses.push(response.status)
      await response.arrayBuffer()
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return statuses
}

describe('limits across three gateway pods', () => {
  it('an RPM limit of 120 admits 120 of 400 requests spread over the pods, within the documented bound', async () => {
    // One minute window for the whole burst: start early in a minute.
    const intoMinute = Date.now() % 60_000
    if (intoMinute > 30_000) await delay(60_000 - intoMinute + 100)
    const statuses = await spread(400, 24, (url) => chat(url, rpmKey, 1))
    const admitted = statuses.filter((status) => status === 200).length
    const limited = statuses.filter((status) => status === 429).length
    console.info(`RPM 120 across ${POD_COUNT} pods: ${admitted} admitted, ${limited} limited of 400`)
    expect(admitted + limited).toBe(400)
    expect(admitted).toBeGreaterThanOrEqual(120)
    expect(admitted).toBeLessThanOrEqual(120 + (POD_COUNT - 1))
    const refused = await chat(pods[0]?.url ?? '', rpmKey, 1)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await refused.json()).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } })
  })

  it('a $1.00 budget under 50 concurrent $0.10 requests across the pods: spend within the bound, and admitted requests are what was spent', async () => {
    const costs: number[] = []
    const statuses = await spread(50, 50, async (url) => {
      const response = await chat(url, budgetKey, 10)
      if (response.status === 200) {
        const body = (await response.clone().json()) as { usage: { completion_tokens: number; prompt_tokens: number } }
        // Input is free; output at $10,000 per million tokens is $0.01 a token, 10,000 micro-USD.
        costs.push(body.usage.completion_tokens * 10_000)
      }
      return response
    })
    const admitted = statuses.filter((status) => status === 200).length
    const spentMicroUsd = costs.reduce((sum, cost) => sum + cost, 0)
    console.info(`$1.00 budget across ${POD_COUNT} pods: ${admitted} admitted, $${spentMicroUsd / 1_000_000} spent`)
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true)
    expect(costs.every((cost) => cost === 100_000)).toBe(true)
    expect(spentMicroUsd).toBe(admitted * 100_000)
    expect(admitted).toBeGreaterThanOrEqual(1)
    expect(spentMicroUsd).toBeLessThanOrEqual(1_000_000 + (POD_COUNT - 1) * 100_000)
    // Once every pod has synced, the budget refuses everywhere as spent.
    await delay(SYNC_INTERVAL_MS * 5)
    for (const pod of pods) {
      const response = await chat(pod.url, budgetKey, 10)
      if (spentMicroUsd + 100_000 > 1_000_000) {
        expect(response.status).toBe(429)
        expect(await response.json()).toMatchObject({ error: { code: 'budget_exceeded' } })
      }
    }
  })
})
