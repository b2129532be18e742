import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import Anthropic from '@anthropic-ai/sdk'
import type { UsageMetricsView, UsageReport } from '@switchyard/contracts'
import { type CatalogPrice, loadPricingCatalog, resolvePrice } from '@switchyard/pricing'
import { type RunningSimulator, startSimulator } from '@switchyard/simulator'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NodeProcess, startNodeProcess } from './support/node-process.ts'

/**
 * The usage report equals tokens × catalog price, to the micro-dollar, for what clients sent
 * through the gateway: streamed and whole chat completions (official `openai` SDK) and Anthropic
 * messages (official `@anthropic-ai/sdk`), each from its own team, with cached, cache-write and
 * reasoning tokens in the mix. No deployment has prices in the config: the control plane prices
 * them from the built-in catalog when it applies the file, the gateway meters every request at
 * those prices, the ingester writes the events to ClickHouse, and the control plane's reports API
 * reads them back through the hourly rollup.
 *
 * One real process, `switchyard start` (embedded mode: control plane, gateway, ingester and the
 * chDB engine, on PGlite and the in-process bus), because the control plane reads the same chDB
 * the ingester writes and chDB admits one process per directory. The NATS leg between a gateway
 * pod and an ingester process is held to the same micro-dollar by usage-nats-outage.e2e.test.ts.
 * The provider simulator runs in the test, so the test sets its token counts.
 *
 * The expected cost is computed here from each client's own usage and the catalog's prices, with
 * this file's own arithmetic (not `costMicroUsd`): per request, rounded up once.
 */
const workDir = mkdtempSync(join(tmpdir(), 'sy-usage-report-'))
const adminToken = `admin-${randomBytes(24).toString('hex')}`
const keys = {
  whole: `sk-sy-e2e-${randomBytes(16).toString('hex')}`,
  streamed: `sk-sy-e2e-${randomBytes(16).toString('hex')}`,
  messages: `sk-sy-e2e-${randomBytes(16).toString('hex')}`,
} as const
type TeamName = keyof typeof keys

/** Virtual model → the upstream model the catalog prices, and how the simulator answers it. */
const MODELS = {
  mini: { providerType: 'openai', upstream: 'gpt-4o-mini', scenario: { outputTokens: 180 } },
  reasoner: {
    providerType: 'openai',
    upstream: 'o4-mini',
    scenario: { outputTokens: 90, cachedInputTokens: 1_024, reasoningTokens: 64 },
  },
  haiku: {
    providerType: 'anthropic',
    upstream: 'claude-haiku-4-5',
    scenario: { outputTokens: 70, cachedInputTokens: 510, cacheWriteInputTokens: 256 },
  },
} as const
type ModelName = keyof typeof MODELS

let simulator: RunningSimulator
let switchyard: NodeProcess
let gatewayUrl: string
let controlPlaneUrl: string
/** The control plane prices the deployments when it applies the config: at start. */
let pricedAt: Date

beforeAll(async () => {
  simulator = await startSimulator({ host: '127.0.0.1', port: 0 })
  for (const model of Object.values(MODELS)) simulator.scenarios.set(model.upstream, model.scenario)
  const configPath = join(workDir, 'switchyard.yaml')
  writeFileSync(
    configPath,
    [
      'version: 1',
      'providers:',
      `  - { name: sim-openai, type: openai, baseUrl: "${simulator.url}/openai/v1", apiKey: { env: E2E_SIM_KEY } }`,
      `  - { name: sim-anthropic, type: anthropic, baseUrl: "${simulator.url}/anthropic", apiKey: { env: E2E_SIM_KEY } }`,
      'models:',
      '  - { name: mini, deployments: [{ provider: sim-openai, model: gpt-4o-mini }] }',
      '  - { name: reasoner, deployments: [{ provider: sim-openai, model: o4-mini }] }',
      '  - { name: haiku, deployments: [{ provider: sim-anthropic, model: claude-haiku-4-5 }] }',
      'orgs: [{ name: acme }]',
      'teams:',
      ...Object.keys(keys).map((team) => `  - { name: ${team}, org: acme }`),
      'keys:',
      ...Object.keys(keys).map(
        (team) => `  - { name: ${team}-key, team: ${team}, secret: { env: E2E_${team.toUpperCase()}_KEY } }`,
      ),
    ].join('\n'),
  )
  pricedAt = new Date()
  switchyard = startNodeProcess(
    'switchyard',
    {
      SWITCHYARD_CONFIG: configPath,
      SWITCHYARD_DATA_DIR: join(workDir, 'data'),
      SWITCHYARD_GATEWAY_PORT: '0',
      SWITCHYARD_CONTROL_PLANE_PORT: '0',
      SWITCHYARD_INGESTER_PORT: '0',
      SWITCHYARD_SIMULATOR_PORT: '-1',
      SWITCHYARD_ADMIN_TOKEN: adminToken,
      SWITCHYARD_LOG_LEVEL: 'warn',
      E2E_SIM_KEY: 'sk-upstream-any',
      E2E_WHOLE_KEY: keys.whole,
      E2E_STREAMED_KEY: keys.streamed,
      E2E_MESSAGES_KEY: keys.messages,
    },
    ['start'],
  )
  const banner = await waitForBanner(switchyard, 60_000)
  gatewayUrl = bannerUrl(banner, 'Gateway')
  controlPlaneUrl = bannerUrl(banner, 'Control plane')
})

afterAll(async () => {
  const code = await switchyard?.stop('SIGTERM')
  await simulator?.close()
  rmSync(workDir, { recursive: true, force: true })
  expect(code).toBe(0)
})

async function waitForBanner(process: NodeProcess, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const output = process.lines().join('\n')
    if (output.includes('Press Ctrl-C')) return output
    if (process.child.exitCode !== null) throw new Error(`switchyard start exited:\n${output}`)
    if (Date.now() > deadline) throw new Error(`switchyard start not ready in ${timeoutMs} ms:\n${output}`)
    await delay(50)
  }
}

function bannerUrl(banner: string, label: string): string {
  const url = new RegExp(`${label}\\s+(http://\\S+)`).exec(banner)?.[1]
  if (url === undefined) throw new Error(`no ${label} URL in:\n${banner}`)
  return url
}

/** Token counts as the client saw them, in the gateway's canonical terms (input includes cache). */
interface SeenUsage {
  readonly inputTokens: number
  readonly outputTokens: number
  readonly cachedInputTokens: number
  readonly cacheWriteInputTokens: number
  readonly reasoningTokens: number
}

interface SentRequest {
  readonly team: TeamName
  readonly model: ModelName
  readonly usage: SeenUsage
}

/** A prompt of `words` words, one simulator token each (`salt`: letters and digits only). */
function prompt(words: number, salt: string): string {
  return Array.from({ length: words }, (_, index) => `w${salt}x${index}`).join(' ')
}

function fromOpenAIUsage(usage: OpenAI.CompletionUsage | null | undefined): SeenUsage {
  if (!usage) throw new Error('the client saw no usage')
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    cacheWriteInputTokens: 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  }
}

/** Anthropic's `input_tokens` leaves out cache reads and writes; canonical input counts them. */
function fromAnthropicUsage(usage: Anthropic.Usage): SeenUsage {
  const cached = usage.cache_read_input_tokens ?? 0
  const written = usage.cache_creation_input_tokens ?? 0
  return {
    inputTokens: usage.input_tokens + cached + written,
    outputTokens: usage.output_tokens,
    cachedInputTokens: cached,
    cacheWriteInputTokens: written,
    reasoningTokens: 0,
  }
}

async function chatWhole(model: 'mini' | 'reasoner', words: number): Promise<SentRequest> {
  const client = new OpenAI({ apiKey: keys.whole, baseURL: `${gatewayUrl}/v1`, maxRetries: 0 })
  const completion = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: prompt(words, `whole${model}`) }],
  })
  return { team: 'whole', model, usage: fromOpenAIUsage(completion.usage) }
}

async function chatStreamed(model: 'mini' | 'reasoner', words: number): Promise<SentRequest> {
  const client = new OpenAI({ apiKey: keys.streamed, baseURL: `${gatewayUrl}/v1`, maxRetries: 0 })
  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: prompt(words, `streamed${model}`) }],
    stream: true,
    stream_options: { include_usage: true },
  })
  let usage: OpenAI.CompletionUsage | null | undefined
  let chunks = 0
  for await (const chunk of stream) {
    chunks += 1
    if (chunk.usage) usage = chunk.usage
  }
  expect(chunks).toBeGreaterThan(1)
  return { team: 'streamed', model, usage: fromOpenAIUsage(usage) }
}

async function message(words: number, isStream: boolean): Promise<SentRequest> {
  const client = new Anthropic({ apiKey: keys.messages, baseURL: gatewayUrl, maxRetries: 0 })
  const params = {
    model: 'haiku',
    max_tokens: 1_000,
    messages: [{ role: 'user' as const, content: prompt(words, `messages${isStream}`) }],
  }
  const reply = isStream ? await client.messages.stream(params).finalMessage() : await client.messages.create(params)
  return { team: 'messages', model: 'haiku', usage: fromAnthropicUsage(reply.usage) }
}

function catalogPrice(model: ModelName): CatalogPrice {
  const { providerType, upstream } = MODELS[model]
  const price = resolvePrice(loadPricingCatalog(), { providerType, model: upstream, at: pricedAt })
  if (!price) throw new Error(`the catalog has no price for ${upstream}`)
  return price
}

/** The numerator of a request's cost: Σ tokens × micro-USD per MTok, exact, before ÷ 10⁶. */
function costNumerator(usage: SeenUsage, price: CatalogPrice): bigint {
  const input = price.inputMicroUsdPerMTok
  const output = price.outputMicroUsdPerMTok
  const uncached = usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteInputTokens
  return (
    BigInt(uncached) * BigInt(input) +
    BigInt(usage.cachedInputTokens) * BigInt(price.cachedInputMicroUsdPerMTok ?? input) +
    BigInt(usage.cacheWriteInputTokens) * BigInt(price.cacheWrite5mMicroUsdPerMTok ?? input) +
    BigInt(usage.outputTokens - usage.reasoningTokens) * BigInt(output) +
    BigInt(usage.reasoningTokens) * BigInt(price.reasoningMicroUsdPerMTok ?? output)
  )
}

/** What a request must cost: rounded up once (never under-billed), plus any per-request fee. */
function expectedCostMicroUsd(usage: SeenUsage, price: CatalogPrice): number {
  const numerator = costNumerator(usage, price)
  const rounded = (numerator + 999_999n) / 1_000_000n
  return Number(rounded) + (price.requestMicroUsd ?? 0)
}

function expectedMetrics(requests: readonly SentRequest[]): UsageMetricsView {
  const sum = (pick: (request: SentRequest) => number) => requests.reduce((total, r) => total + pick(r), 0)
  return {
    requests: requests.length,
    attempts: requests.length,
    inputTokens: sum((r) => r.usage.inputTokens),
    outputTokens: sum((r) => r.usage.outputTokens),
    cachedInputTokens: sum((r) => r.usage.cachedInputTokens),
    cacheWriteInputTokens: sum((r) => r.usage.cacheWriteInputTokens),
    reasoningTokens: sum((r) => r.usage.reasoningTokens),
    costMicroUsd: sum((r) => expectedCostMicroUsd(r.usage, catalogPrice(r.model))),
    estimatedEvents: 0,
  }
}

async function admin<T>(path: string): Promise<T> {
  const response = await fetch(`${controlPlaneUrl}${path}`, { headers: { authorization: `Bearer ${adminToken}` } })
  const body = await response.text()
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${body}`)
  return JSON.parse(body) as T
}

const HOUR_MS = 3_600_000

describe('usage report against the pricing catalog', () => {
  it('reports exactly the tokens the clients saw × catalog price, streamed and whole, per team and model', async () => {
    const startedAt = Date.now()
    // Lengths chosen so that each model has a request whose cost comes out a whole number of
    // micro-dollars (gpt-4o-mini at 1,100 prompt tokens, o4-mini at 1,102; claude-haiku-4-5 at
    // any) and others that round up.
    const lengths = [1_100, 1_102, 1_137, 1_174, 1_211, 1_248]
    const sent: SentRequest[] = []
    for (const model of ['mini', 'reasoner'] as const) {
      for (const words of lengths) sent.push(await chatWhole(model, words), await chatStreamed(model, words))
    }
    for (const [index, words] of lengths.entries()) sent.push(await message(words, index % 2 === 0))

    // The traffic exercises every kind of token the catalog prices.
    const all = expectedMetrics(sent)
    expect(all.cachedInputTokens).toBeGreaterThan(0)
    expect(all.cacheWriteInputTokens).toBeGreaterThan(0)
    expect(all.reasoningTokens).toBeGreaterThan(0)
    // It can tell an off-by-one: each model has requests that cost a whole number of
    // micro-dollars (a price 1 µ$/MTok too high for any token kind they have would add one),
    // and some requests round up (rounding down instead would lose one).
    const isWhole = (r: SentRequest) => costNumerator(r.usage, catalogPrice(r.model)) % 1_000_000n === 0n
    for (const model of Object.keys(MODELS)) expect(sent.some((r) => r.model === model && isWhole(r))).toBe(true)
    expect(sent.some((r) => !isWhole(r))).toBe(true)

    const orgs = await admin<{ data: Array<{ id: string; name: string }> }>('/api/orgs')
    const orgId = orgs.data.find((org) => org.name === 'acme')?.id
    const teams = await admin<{ data: Array<{ id: string; name: string }> }>('/api/teams')
    const teamName = new Map(teams.data.map((team) => [team.id, team.name]))
    const from = new Date(Math.floor(startedAt / HOUR_MS) * HOUR_MS).toISOString()
    const to = new Date((Math.floor(Date.now() / HOUR_MS) + 1) * HOUR_MS).toISOString()
    const query = `orgId=${orgId}&from=${from}&to=${to}&granularity=total&groupBy=team,model`

    // Every report refreshes the rollup first; events settle for ~5 s before it includes them.
    const deadline = Date.now() + 30_000
    let report = await admin<UsageReport>(`/api/reports/usage?${query}`)
    while (report.totals.requests < sent.length || report.totals.attempts < sent.length) {
      if (Date.now() > deadline) throw new Error(`the report never caught up: ${JSON.stringify(report.totals)}`)
      await delay(500)
      report = await admin<UsageReport>(`/api/reports/usage?${query}`)
    }
    console.info(
      `${sent.length} requests → report in ${Date.now() - startedAt} ms: ` +
        `${report.totals.costMicroUsd} µ$ for ${report.totals.inputTokens} input and ${report.totals.outputTokens} output tokens`,
    )

    const byCell = (team: string | undefined, model: string | undefined) => `${team}/${model}`
    const actual = Object.fromEntries(
      report.rows.map(({ dimensions, bucketStart: _, ...metrics }) => [
        byCell(teamName.get(dimensions.team ?? ''), dimensions.model),
        metrics,
      ]),
    )
    const cells = new Map<string, SentRequest[]>()
    for (const request of sent) {
      const cell = byCell(request.team, request.model)
      cells.set(cell, [...(cells.get(cell) ?? []), request])
    }
    const expected = Object.fromEntries([...cells].map(([cell, requests]) => [cell, expectedMetrics(requests)]))
    expect(actual).toEqual(expected)
    expect(report.totals).toEqual(all)
  }, 90_000)
})
