import type { ReportDimension, UsageReportRow } from '@switchyard/contracts'
import type { z } from 'zod'

type Row = z.infer<typeof UsageReportRow>

const METRIC_COLUMNS = [
  ['requests', 'requests'],
  ['attempts', 'attempts'],
  ['input_tokens', 'inputTokens'],
  ['output_tokens', 'outputTokens'],
  ['cached_input_tokens', 'cachedInputTokens'],
  ['cache_write_input_tokens', 'cacheWriteInputTokens'],
  ['reasoning_tokens', 'reasoningTokens'],
  ['cost_micro_usd', 'costMicroUsd'],
] as const

const DIMENSION_COLUMNS: Record<ReportDimension, string> = {
  team: 'team_id',
  project: 'project_id',
  environment: 'environment',
  costCenter: 'cost_center',
  user: 'user_id',
  key: 'key_id',
  model: 'model',
  upstreamModel: 'upstream_model',
  provider: 'provider_id',
  providerType: 'provider_type',
  deployment: 'deployment_id',
  endpoint: 'endpoint',
  status: 'status',
}

/**
 * One RFC 4180 field. Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab,
 * carriage return first) is prefixed with `'`, so an attribution tag cannot become a formula.
 */
function field(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** Micro-USD as an exact decimal dollar amount (`1234567` → `1.234567`), no float involved. */
export function usdFromMicroUsd(microUsd: number): string {
  const text = String(microUsd).padStart(7, '0')
  return `${text.slice(0, -6)}.${text.slice(-6)}`
}

/** The chargeback export: one line per bucket and group, costs exact in micro-USD and in USD. */
export function chargebackCsv(groupBy: readonly ReportDimension[], rows: readonly Row[]): string {
  const header = [
    'bucket_start',
    ...groupBy.map((dimension) => DIMENSION_COLUMNS[dimension]),
    ...METRIC_COLUMNS.map(([column]) => column),
    'cost_usd',
  ]
  const lines = rows.map((row) =>
    [
      row.bucketStart ?? '',
      ...groupBy.map((dimension) => field(row.dimensions[dimension] ?? '')),
      ...METRIC_COLUMNS.map(([, metric]) => String(row[metric])),
      usdFromMicroUsd(row.costMicroUsd),
    ].join(','),
  )
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`
}
