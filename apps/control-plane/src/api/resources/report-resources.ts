import type { OpenAPIHono } from '@hono/zod-openapi'
import {
  BudgetForecastQuery,
  BudgetForecastReport,
  ChargebackQuery,
  HiddenCostQuery,
  HiddenCostReport,
  ProviderComparison,
  ProviderComparisonQuery,
  TopReport,
  TopReportQuery,
  UsageReport,
  UsageReportQuery,
} from '@switchyard/contracts'
import { HttpError, ServiceUnavailableError } from '@switchyard/http-server'
import type { Context } from 'hono'
import type { z } from 'zod'
import type { AdminEnv } from '../../auth/admin-auth.ts'
import { chargebackCsv } from '../../reports/chargeback-csv.ts'
import { checkTeamsReadable, reportTeamsFor } from '../../reports/report-access.ts'
import type { TeamRestriction, UsageReports } from '../../reports/usage-reports.ts'
import { errorResponses, jsonContent } from '../openapi-shared.ts'
import { readQuery } from '../parse-request.ts'

export interface ReportDeps {
  /** Undefined when no ClickHouse is configured: every report answers 503. */
  readonly reports: UsageReports | undefined
}

const { 409: _conflict, 412: _precondition, ...reportErrors } = errorResponses
const responses = {
  ...reportErrors,
  503: jsonContent(
    errorResponses[400].content['application/json'].schema,
    'No usage store (ClickHouse) is configured or it did not answer',
  ),
}

/**
 * Runs a report: 503 when the control plane has no ClickHouse, or when ClickHouse fails (the
 * error's message is not shown: it may carry SQL).
 */
async function run<T>(deps: ReportDeps, report: (reports: UsageReports) => Promise<T>): Promise<T> {
  if (deps.reports === undefined) {
    throw new ServiceUnavailableError(
      'Reports need the usage store: set SWITCHYARD_CLICKHOUSE_URL (or run the embedded mode) and restart the control plane.',
      'usage_store_not_configured',
    )
  }
  try {
    return await report(deps.reports)
  } catch (error) {
    if (error instanceof HttpError) throw error
    throw new HttpError(503, 'server_error', 'The usage store (ClickHouse) did not answer the report query.', {
      code: 'usage_store_unavailable',
      cause: error,
    })
  }
}

function scoped<T extends z.ZodType<{ orgId: string }>>(
  c: Context<AdminEnv>,
  schema: T,
): { query: z.infer<T>; teams: TeamRestriction } {
  const query = readQuery(c, schema)
  return { query, teams: reportTeamsFor(c.get('principal'), query.orgId) }
}

const route = (path: string, summary: string, query: z.ZodType, answer: z.ZodType, description: string) => ({
  method: 'get' as const,
  path,
  tags: ['Reports'],
  security: [{ bearer: [] }],
  summary,
  description,
  request: { query: query as z.ZodObject },
  responses: { 200: jsonContent(answer, description), ...responses },
})

const ACCESS =
  'Finance viewers and org admins read their whole org; team admins read only their own teams (other teams are refused with 403).'

/** `GET /api/reports/*`: cost and usage reports from ClickHouse. See docs/reports.md. */
export function registerReports(app: OpenAPIHono<AdminEnv>, deps: ReportDeps): void {
  app.openAPIRegistry.registerPath(
    route(
      '/api/reports/usage',
      'Spend, tokens and requests by time bucket and any attribution dimensions',
      UsageReportQuery,
      UsageReport,
      `Grouped by \`groupBy\` and bucketed by \`granularity\`; filters by dimension. ${ACCESS}`,
    ),
  )
  app.get('/api/reports/usage', async (c) => {
    const { query, teams } = scoped(c, UsageReportQuery)
    checkTeamsReadable(teams, query.team)
    return c.json(await run(deps, (reports) => reports.usage(query, teams)))
  })

  app.openAPIRegistry.registerPath({
    ...route(
      '/api/reports/chargeback.csv',
      'Chargeback export as CSV',
      ChargebackQuery,
      UsageReport,
      `One line per bucket and group (default: month × cost center × team × project), cost in micro-USD and exact USD. ${ACCESS}`,
    ),
    responses: {
      200: { description: 'RFC 4180 CSV, header first', content: { 'text/csv': { schema: { type: 'string' } } } },
      ...responses,
    },
  })
  app.get('/api/reports/chargeback.csv', async (c) => {
    const { query, teams } = scoped(c, ChargebackQuery)
    checkTeamsReadable(teams, query.team)
    const report = await run(deps, (reports) => reports.usage(query, teams))
    const name = `chargeback-${query.orgId}-${query.from.toISOString().slice(0, 10)}-${query.to.toISOString().slice(0, 10)}.csv`
    return c.body(chargebackCsv(report.groupBy, report.rows), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"`,
    })
  })

  app.openAPIRegistry.registerPath(
    route(
      '/api/reports/top',
      'The top N values of a dimension',
      TopReportQuery,
      TopReport,
      `Ranked by \`metric\`. ${ACCESS}`,
    ),
  )
  app.get('/api/reports/top', async (c) => {
    const { query, teams } = scoped(c, TopReportQuery)
    checkTeamsReadable(teams, query.team)
    return c.json(await run(deps, (reports) => reports.top(query, teams)))
  })

  app.openAPIRegistry.registerPath(
    route(
      '/api/reports/hidden-costs',
      'Hidden costs per team: failures, retries, fallbacks, abandoned streams, cache savings',
      HiddenCostQuery,
      HiddenCostReport,
      ACCESS,
    ),
  )
  app.get('/api/reports/hidden-costs', async (c) => {
    const { query, teams } = scoped(c, HiddenCostQuery)
    checkTeamsReadable(teams, query.team)
    return c.json(await run(deps, (reports) => reports.hiddenCosts(query, teams)))
  })

  app.openAPIRegistry.registerPath(
    route(
      '/api/reports/budget-forecasts',
      'Each budget’s projected spend at the end of its window, and when it runs out',
      BudgetForecastQuery,
      BudgetForecastReport,
      `Recent burn rate with weekday seasonality. Team admins see their teams' budgets. ${ACCESS}`,
    ),
  )
  app.get('/api/reports/budget-forecasts', async (c) => {
    const { query, teams } = scoped(c, BudgetForecastQuery)
    return c.json(await run(deps, (reports) => reports.budgetForecasts(query.orgId, teams, query.budgetId)))
  })

  app.openAPIRegistry.registerPath(
    route(
      '/api/reports/provider-comparison',
      'A team’s actual token mix re-priced on other models',
      ProviderComparisonQuery,
      ProviderComparison,
      `Same tokens of each kind (so the same cache-hit profile) at each candidate's catalog price. ${ACCESS}`,
    ),
  )
  app.get('/api/reports/provider-comparison', async (c) => {
    const { query, teams } = scoped(c, ProviderComparisonQuery)
    checkTeamsReadable(teams, query.team === undefined ? undefined : [query.team])
    return c.json(await run(deps, (reports) => reports.providerComparison(query, teams)))
  })
}
