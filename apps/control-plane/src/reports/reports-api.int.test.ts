import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { UsageEvent } from '@switchyard/contracts'
import { type DatabaseHandle, openPostgres } from '@switchyard/db'
import { createLogger } from '@switchyard/http-server'
import { startTestIssuer, type TestIssuer } from '@switchyard/jwt-auth/testing'
import { loadPricingCatalog } from '@switchyard/pricing'
import { parseKeyring } from '@switchyard/secrets'
import { type PostgresServerHandle, startPostgresServer } from '@switchyard/test-services'
import {
  type ClickHouseHandle,
  insertUsageRows,
  migrateUsageStore,
  openClickHouse,
  toUsageRow,
} from '@switchyard/usage-store'
import { attemptEvent, requestEvent } from '@switchyard/usage-store/testing'
import type { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createControlPlaneApp } from '../app.ts'
import { adminOidcVerifier } from '../auth/admin-oidc.ts'
import { UsageReports } from './usage-reports.ts'

const BOOTSTRAP = `bootstrap-${randomBytes(24).toString('hex')}`
const AUDIENCE = 'switchyard-admin'
const CH_DB = 'switchyard'
/** A Wednesday: the forecast's "today". */
const NOW = new Date('2026-11-18T12:30:00Z')
/** Monday … Sunday spend of team red's synthetic series, micro-USD per day. */
const WEEK = [1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000, 500_000, 250_000]

let server: PostgresServerHandle
let database: DatabaseHandle
let idp: TestIssuer
let clickhouse: ClickHouseHandle
let app: Hono
let appWithoutClickHouse: Hono
const dir = mkdtempSync(join(tmpdir(), 'sy-reports-'))
const ids: Record<string, string> = {}
const tokens: Record<string, string> = {}
/** Every event inserted into ClickHouse (once each; some were also inserted twice). */
const events: UsageEvent[] = []

type Body = Record<string, unknown>

async function call(who: string, path: string, target: Hono = app) {
  const token = who === 'bootstrap' ? BOOTSTRAP : tokens[who]
  const response = await target.request(path, { headers: { authorization: `Bearer ${token}` } })
  const text = await response.text()
  const isJson = response.headers.get('content-type')?.startsWith('application/json') ?? false
  return { status: response.status, headers: response.headers, text, body: (isJson ? JSON.parse(text) : null) as Body }
}

async function create(path: string, body: unknown): Promise<string> {
  const response = await app.request(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${BOOTSTRAP}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`)
  return String(((await response.json()) as Body).id)
}

function appFor(reports: UsageReports | undefined): Hono {
  return createControlPlaneApp({
    database,
    log: createLogger('control-plane', 'silent'),
    lastPublishedRevision: () => undefined,
    keyPepper: randomBytes(32),
    keyring: parseKeyring(`test-1:${randomBytes(32).toString('base64')}`),
    pricing: loadPricingCatalog(),
    bootstrapToken: BOOTSTRAP,
    verifyAdminToken: adminOidcVerifier({
      issuer: idp.issuer,
      audience: AUDIENCE,
      jwksUrl: idp.jwksUrl,
      algorithms: ['RS256'],
    }),
    onChange: () => {},
    publishNow: async () => 1,
    secretsEnv: {},
    reports,
  })
}

const dayMs = 86_400_000
const mondayFirst = (at: Date) => (at.getUTCDay() + 6) % 7

/** Team red: one attempt and one request a day at 10:00 UTC from 21 October to 17 November, WEEK's spend. */
function redSeries(): UsageEvent[] {
  const series: UsageEvent[] = []
  for (let at = Date.parse('2026-10-21T10:00:00Z'); at < Date.parse('2026-11-18T00:00:00Z'); at += dayMs) {
    const cost = WEEK[mondayFirst(new Date(at))] ?? 0
    const id = `red-${new Date(at).toISOString().slice(0, 10)}`
    const attribution = { orgId: ids.acme ?? '', teamId: ids.red ?? '', costCenter: 'cc-100' }
    const occurredAt = new Date(at).toISOString()
    series.push(
      attemptEvent({
        id: `${id}-a`,
        requestId: id,
        occurredAt,
        attribution,
        costMicroUsd: cost,
        tokens: { inputTokens: 1_000, outputTokens: 100 },
      }),
    )
    series.push(requestEvent({ id: `${id}-r`, requestId: id, occurredAt, attribution, costMicroUsd: cost }))
  }
  // Today so far: $1 at 09:00.
  const attribution = { orgId: ids.acme ?? '', teamId: ids.red ?? '', costCenter: 'cc-100' }
  series.push(
    attemptEvent({ id: 'red-today-a', occurredAt: '2026-11-18T09:00:00Z', attribution, costMicroUsd: 1_000_000 }),
  )
  series.push(
    requestEvent({ id: 'red-today-r', occurredAt: '2026-11-18T09:00:00Z', attribution, costMicroUsd: 1_000_000 }),
  )
  return series
}

/** Team blue, 10 November: a retried timeout, a fallback, an abandoned stream, an exact-cache hit. */
function blueEvents(): UsageEvent[] {
  const attribution = { orgId: ids.acme ?? '', teamId: ids.blue ?? '', costCenter: 'cc-200,"ops"', projectId: 'p-blue' }
  const at = (minute: number) => `2026-11-10T14:${String(minute).padStart(2, '0')}:00Z`
  const half = { inputTokens: 500_000, cachedInputTokens: 200_000, cacheWriteInputTokens: 50_000, outputTokens: 50_000 }
  return [
    attemptEvent({ id: 'b1-a1', requestId: 'b1', occurredAt: at(0), attribution, status: 'timeout' }),
    attemptEvent({
      id: 'b1-a2',
      requestId: 'b1',
      occurredAt: at(1),
      attribution,
      attemptNumber: 2,
      tokens: half,
      costMicroUsd: 1_500_000,
    }),
    requestEvent({
      id: 'b1-r',
      requestId: 'b1',
      occurredAt: at(0),
      attribution,
      tokens: half,
      costMicroUsd: 1_500_000,
      attemptCount: 2,
    }),
    attemptEvent({ id: 'b2-a1', requestId: 'b2', occurredAt: at(5), attribution, status: 'upstream_error' }),
    attemptEvent({
      id: 'b2-a2',
      requestId: 'b2',
      occurredAt: at(5),
      attribution,
      attemptNumber: 2,
      fallbackReason: 'rate_limited',
      tokens: half,
      costMicroUsd: 1_500_000,
    }),
    requestEvent({
      id: 'b2-r',
      requestId: 'b2',
      occurredAt: at(5),
      attribution,
      tokens: half,
      costMicroUsd: 1_500_000,
      attemptCount: 2,
    }),
    attemptEvent({
      id: 'b3-a1',
      requestId: 'b3',
      occurredAt: at(9),
      attribution,
      status: 'aborted',
      costMicroUsd: 7_777,
    }),
    requestEvent({
      id: 'b3-r',
      requestId: 'b3',
      occurredAt: at(9),
      attribution,
      status: 'aborted',
      costMicroUsd: 7_777,
    }),
    requestEvent({
      id: 'b4-r',
      requestId: 'b4',
      occurredAt: at(20),
      attribution,
      isCacheHit: true,
      cacheSavedMicroUsd: 42_000,
      attemptCount: 0,
    }),
  ]
}

/** Globex's usage: never in Acme's reports. */
function globexEvents(): UsageEvent[] {
  const attribution = { orgId: ids.globex ?? '', teamId: ids.green ?? '' }
  return [
    attemptEvent({
      id: 'g1-a',
      requestId: 'g1',
      occurredAt: '2026-11-10T10:00:00Z',
      attribution,
      costMicroUsd: 9_000_000_000,
    }),
    requestEvent({
      id: 'g1-r',
      requestId: 'g1',
      occurredAt: '2026-11-10T10:00:00Z',
      attribution,
      costMicroUsd: 9_000_000_000,
    }),
  ]
}

beforeAll(async () => {
  server = await startPostgresServer()
  database = openPostgres({ url: await server.createDatabase('reports_api') })
  await database.migrate()
  idp = await startTestIssuer()
  await idp.addKey('RS256')
  clickhouse = await openClickHouse({ kind: 'embedded', path: join(dir, 'chdb') })
  await migrateUsageStore(clickhouse.client, CH_DB)
  const reports = new UsageReports({
    clickhouse: clickhouse.client,
    database: CH_DB,
    db: database.db,
    pricing: loadPricingCatalog(),
    settleMs: 0,
    now: () => NOW,
  })
  app = appFor(reports)
  appWithoutClickHouse = appFor(undefined)

  ids.acme = await create('/api/orgs', { name: 'acme' })
  ids.globex = await create('/api/orgs', { name: 'globex' })
  ids.red = await create('/api/teams', { orgId: ids.acme, name: 'red' })
  ids.blue = await create('/api/teams', { orgId: ids.acme, name: 'blue' })
  ids.green = await create('/api/teams', { orgId: ids.globex, name: 'green' })
  const people: Record<string, { role: string; org: string; team?: string }> = {
    fiona: { role: 'finance_viewer', org: 'acme' },
    gina: { role: 'finance_viewer', org: 'globex' },
    olga: { role: 'org_admin', org: 'acme' },
    alice: { role: 'team_admin', org: 'acme', team: 'red' },
    carol: { role: 'member', org: 'acme', team: 'red' },
  }
  for (const [name, { role, org, team }] of Object.entries(people)) {
    const userId = await create('/api/users', { subject: `idp|${name}`, email: `${name}@example.test` })
    await create('/api/memberships', {
      userId,
      orgId: ids[org],
      teamId: team === undefined ? undefined : ids[team],
      role,
    })
    tokens[name] = await idp.sign({ sub: `idp|${name}`, aud: AUDIENCE })
  }
  ids.redBudget = await create('/api/budgets', {
    orgId: ids.acme,
    name: 'red-monthly',
    scope: { kind: 'team', id: ids.red },
    window: 'monthly',
    limitMicroUsd: 50_000_000,
  })
  ids.blueBudget = await create('/api/budgets', {
    orgId: ids.acme,
    name: 'blue-monthly',
    scope: { kind: 'team', id: ids.blue },
    window: 'monthly',
    limitMicroUsd: 1_000_000_000,
  })

  events.push(...redSeries(), ...blueEvents(), ...globexEvents())
  await insertUsageRows(clickhouse.client, CH_DB, events.map(toUsageRow))
  // The ingester re-delivers: blue's events and a few of red's arrive a second time.
  await insertUsageRows(clickhouse.client, CH_DB, [...blueEvents(), ...redSeries().slice(0, 6)].map(toUsageRow))
}, 120_000)

afterAll(async () => {
  await clickhouse?.close()
  await database?.close()
  await idp?.close()
  await server?.dispose()
  rmSync(dir, { recursive: true, force: true })
})

const NOVEMBER = 'from=2026-11-01&to=2026-12-01'

/** What the events of Acme in November sum to, counted once each. */
function expectedNovember(filter: (event: UsageEvent) => boolean = () => true) {
  const inRange = events.filter(
    (event) =>
      event.attribution.orgId === ids.acme &&
      event.occurredAt >= '2026-11-01' &&
      event.occurredAt < '2026-12-01' &&
      filter(event),
  )
  const attempts = inRange.filter((event) => event.kind === 'attempt')
  return {
    requests: inRange.length - attempts.length,
    attempts: attempts.length,
    costMicroUsd: attempts.reduce((sum, event) => sum + event.costMicroUsd, 0),
    inputTokens: attempts.reduce((sum, event) => sum + event.tokens.inputTokens, 0),
  }
}

describe('reports over ClickHouse', () => {
  it('totals equal the known events exactly, each counted once though delivered twice', async () => {
    const report = await call('fiona', `/api/reports/usage?orgId=${ids.acme}&${NOVEMBER}&granularity=total`)
    expect(report.status).toBe(200)
    expect(report.body.totals).toMatchObject(expectedNovember())
    // 17 days of red in November (1st … 17th) + today, blue's 4 requests.
    expect(expectedNovember()).toMatchObject({ requests: 18 + 4, costMicroUsd: 34_750_000 + 1_000_000 + 3_007_777 })
    const raw = await clickhouse.client.query({
      query: `SELECT count() AS events, sum(cost_micro_usd) AS cost FROM ${CH_DB}.usage_events FINAL`,
      format: 'JSONEachRow',
    })
    const all = events.filter((event) => event.kind === 'attempt').reduce((sum, event) => sum + event.costMicroUsd, 0)
    const requestCost = events
      .filter((event) => event.kind === 'request')
      .reduce((sum, event) => sum + event.costMicroUsd, 0)
    expect(await raw.json()).toEqual([{ events: String(events.length), cost: String(all + requestCost) }])
  })

  it('groups by any dimension and granularity, filters, and ranks the top N', async () => {
    const byTeam = await call(
      'olga',
      `/api/reports/usage?orgId=${ids.acme}&${NOVEMBER}&granularity=month&groupBy=team,costCenter`,
    )
    expect(byTeam.status).toBe(200)
    // Ordered by bucket, then by the groups (team ids are random here).
    expect((byTeam.body.rows as Body[]).map((row) => [row.bucketStart, row.dimensions, row.costMicroUsd])).toEqual(
      [
        ['2026-11-01T00:00:00.000Z', { team: ids.blue, costCenter: 'cc-200,"ops"' }, 3_007_777],
        ['2026-11-01T00:00:00.000Z', { team: ids.red, costCenter: 'cc-100' }, 35_750_000],
      ].sort((a, b) => String((a[1] as Body).team).localeCompare(String((b[1] as Body).team))),
    )
    const daily = await call(
      'fiona',
      `/api/reports/usage?orgId=${ids.acme}&from=2026-11-16&to=2026-11-19&granularity=day&team=${ids.red}`,
    )
    expect((daily.body.rows as Body[]).map((row) => [row.bucketStart, row.requests, row.costMicroUsd])).toEqual([
      ['2026-11-16T00:00:00.000Z', 1, 1_000_000],
      ['2026-11-17T00:00:00.000Z', 1, 2_000_000],
      ['2026-11-18T00:00:00.000Z', 1, 1_000_000],
    ])
    const weekly = await call(
      'fiona',
      `/api/reports/usage?orgId=${ids.acme}&${NOVEMBER}&granularity=week&team=${ids.red}`,
    )
    expect((weekly.body.rows as Body[]).map((row) => [row.bucketStart, row.costMicroUsd])).toEqual([
      ['2026-10-26T00:00:00.000Z', 250_000],
      ['2026-11-02T00:00:00.000Z', 15_750_000],
      ['2026-11-09T00:00:00.000Z', 15_750_000],
      ['2026-11-16T00:00:00.000Z', 4_000_000],
    ])
    const top = await call('fiona', `/api/reports/top?orgId=${ids.acme}&${NOVEMBER}&by=status&metric=requests&limit=2`)
    expect((top.body.rows as Body[]).map((row) => [row.rank, row.value, row.requests])).toEqual([
      [1, 'success', 21],
      [2, 'aborted', 1],
    ])
    expect((top.body.totals as Body).requests).toBe(22)
  })

  it('exports a chargeback CSV whose lines sum to the JSON totals', async () => {
    const query = `orgId=${ids.acme}&${NOVEMBER}&granularity=day&groupBy=costCenter,team`
    const csv = await call('fiona', `/api/reports/chargeback.csv?${query}`)
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const lines = csv.text.trimEnd().split('\r\n')
    expect(lines[0]).toBe(
      'bucket_start,cost_center,team_id,requests,attempts,input_tokens,output_tokens,cached_input_tokens,cache_write_input_tokens,reasoning_tokens,cost_micro_usd,cost_usd',
    )
    const rows = lines.slice(1).map(parseCsvLine)
    expect(rows.every((row) => row.length === 12)).toBe(true)
    expect(rows.find((row) => row[2] === ids.blue)?.[1]).toBe('cc-200,"ops"')
    const json = await call('fiona', `/api/reports/usage?${query}`)
    const totals = json.body.totals as Body
    expect(rows.reduce((sum, row) => sum + Number(row[10]), 0)).toBe(totals.costMicroUsd)
    expect(rows.reduce((sum, row) => sum + Number(row[3]), 0)).toBe(totals.requests)
    const usd = rows.reduce((sum, row) => sum + BigInt((row[11] ?? '').replace('.', '')), 0n)
    expect(usd).toBe(BigInt(totals.costMicroUsd as number))
  })

  it('breaks down hidden costs per team', async () => {
    const report = await call('fiona', `/api/reports/hidden-costs?orgId=${ids.acme}&${NOVEMBER}`)
    expect(report.status).toBe(200)
    const blue = (report.body.teams as Body[]).find((team) => team.teamId === ids.blue)
    expect(blue).toEqual({
      teamId: ids.blue,
      requests: 4,
      attempts: 5,
      costMicroUsd: 3_007_777,
      failedAttempts: 2,
      failedAttemptsCostMicroUsd: 0,
      retryAttempts: 1,
      retryCostMicroUsd: 1_500_000,
      fallbackAttempts: 1,
      fallbackCostMicroUsd: 1_500_000,
      abortedAttempts: 1,
      abortedCostMicroUsd: 7_777,
      exactCacheHits: 1,
      exactCacheSavedMicroUsd: 42_000,
      cachedInputTokens: 400_000,
      // gpt-4o: 400k cached tokens × ($2.50 − $1.25) per MTok.
      promptCacheSavedMicroUsd: 500_000,
      unpricedCachedInputTokens: 0,
    })
  })

  it('forecasts a budget from its weekday profile and finds the exhaustion date', async () => {
    const report = await call('fiona', `/api/reports/budget-forecasts?orgId=${ids.acme}&budgetId=${ids.redBudget}`)
    expect(report.status).toBe(200)
    const [red] = report.body.budgets as Body[]
    // Spent: 1 Nov (Sun) 0.25 + two whole weeks 31.5 + Mon 16th 1 + Tue 17th 2 + today 1 = $35.75.
    // Rest of today: Wednesday's $3 − $1 already spent. 19th … 30th: 4+5+0.5+0.25+1+2+3+4+5+0.5+0.25+1 = $26.5.
    // Running total: 37.75 → Thu 41.75 → Fri 46.75 → Sat 47.25 → Sun 47.5 → Mon 48.5 → Tue 24th 50.5 ≥ $50.
    expect(red).toMatchObject({
      budgetId: ids.redBudget,
      windowStartsAt: '2026-11-01T00:00:00.000Z',
      windowEndsAt: '2026-12-01T00:00:00.000Z',
      limitMicroUsd: 50_000_000,
      spentMicroUsd: 35_750_000,
      weekdayForecastMicroUsd: WEEK,
      burnRateMicroUsdPerDay: Math.floor(15_750_000 / 7),
      projectedWindowSpendMicroUsd: 35_750_000 + 2_000_000 + 26_500_000,
      projectedExhaustionDate: '2026-11-24',
      isExhausted: false,
    })
    const all = await call('fiona', `/api/reports/budget-forecasts?orgId=${ids.acme}`)
    expect((all.body.budgets as Body[]).map((budget) => budget.name).sort()).toEqual(['blue-monthly', 'red-monthly'])
  })

  it('re-prices a team’s token mix on other models', async () => {
    const candidates = 'openai:gpt-4o,anthropic:claude-sonnet-4-5,openai:no-such-model'
    const report = await call(
      'fiona',
      `/api/reports/provider-comparison?orgId=${ids.acme}&${NOVEMBER}&team=${ids.blue}&candidates=${candidates}`,
    )
    expect(report.status).toBe(200)
    expect(report.body.mix).toMatchObject({
      inputTokens: 1_000_000,
      cachedInputTokens: 400_000,
      cacheWriteInputTokens: 100_000,
      outputTokens: 100_000,
      costMicroUsd: 3_007_777,
    })
    expect(
      (report.body.candidates as Body[]).map((c) => [c.model, c.catalogModelId, c.costMicroUsd, c.deltaMicroUsd]),
    ).toEqual([
      // 500k × $2.50 + 400k cached × $1.25 + 100k written at the input price + 100k × $10.
      ['gpt-4o', 'gpt-4o', 3_000_000, 3_000_000 - 3_007_777],
      // 500k × $3 + 400k × $0.30 + 100k × $3.75 + 100k × $15.
      ['claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 3_495_000, 3_495_000 - 3_007_777],
      ['no-such-model', null, null, null],
    ])
  })
})

describe('who may read reports', () => {
  it('a finance viewer of one org cannot read another org’s reports', async () => {
    for (const path of ['usage', 'top', 'hidden-costs', 'budget-forecasts', 'chargeback.csv']) {
      const extra = path === 'top' ? '&by=team' : ''
      const other = await call('fiona', `/api/reports/${path}?orgId=${ids.globex}&${NOVEMBER}${extra}`)
      expect(other.status, path).toBe(403)
      expect((other.body.error as Body).code).toBe('forbidden')
      expect(other.text).not.toContain('9000000000')
    }
    const own = await call('gina', `/api/reports/usage?orgId=${ids.globex}&${NOVEMBER}&granularity=total`)
    expect((own.body.totals as Body).costMicroUsd).toBe(9_000_000_000)
    expect((await call('gina', `/api/reports/usage?orgId=${ids.acme}&${NOVEMBER}`)).status).toBe(403)
  })

  it('a team admin reads only their own team; a member reads nothing', async () => {
    const mine = await call('alice', `/api/reports/usage?orgId=${ids.acme}&${NOVEMBER}&granularity=total&groupBy=team`)
    expect(mine.status).toBe(200)
    expect((mine.body.rows as Body[]).map((row) => (row.dimensions as Body).team)).toEqual([ids.red])
    expect((mine.body.totals as Body).costMicroUsd).toBe(35_750_000)
    const theirs = await call('alice', `/api/reports/usage?orgId=${ids.acme}&${NOVEMBER}&team=${ids.blue}`)
    expect(theirs.status).toBe(403)
    const budgets = await call('alice', `/api/reports/budget-forecasts?orgId=${ids.acme}`)
    expect((budgets.body.budgets as Body[]).map((budget) => budget.name)).toEqual(['red-monthly'])
    expect((await call('carol', `/api/reports/usage?orgId=${ids.acme}&${NOVEMBER}`)).status).toBe(403)
  })

  it('answers 400 for a bad range and 503 without ClickHouse', async () => {
    const notWhole = await call('fiona', `/api/reports/usage?orgId=${ids.acme}&from=2026-11-01T00:30:00Z&to=2026-12-01`)
    expect(notWhole.status).toBe(400)
    expect((notWhole.body.error as Body).param).toBe('from')
    const backwards = await call('fiona', `/api/reports/usage?orgId=${ids.acme}&from=2026-12-01&to=2026-11-01`)
    expect((backwards.body.error as Body).param).toBe('to')
    const none = await call('fiona', `/api/reports/usage?orgId=${ids.acme}&${NOVEMBER}`, appWithoutClickHouse)
    expect(none.status).toBe(503)
    expect(none.body.error).toMatchObject({ code: 'usage_store_not_configured', type: 'server_error' })
  })

  it('documents every report route in the OpenAPI document', async () => {
    const document = await call('fiona', '/api/openapi.json')
    const paths = Object.keys(document.body.paths as Body).filter((path) => path.startsWith('/api/reports/'))
    expect(paths.sort()).toEqual([
      '/api/reports/budget-forecasts',
      '/api/reports/chargeback.csv',
      '/api/reports/hidden-costs',
      '/api/reports/provider-comparison',
      '/api/reports/top',
      '/api/reports/usage',
    ])
  })
})

/** One RFC 4180 line (quoted fields with doubled quotes). */
function parseCsvLine(line: string): string[] {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i]
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"'
        i += 1
      } else if (char === '"') quoted = false
      else field += char
    } else if (char === '"') quoted = true
    else if (char === ',') {
      fields.push(field)
      field = ''
    } else field += char
  }
  fields.push(field)
  return fields
}
