import type { ClickHouseClient } from '@clickhouse/client'
import type { UsageEvent } from '@switchyard/contracts'

/** One row of `usage_events`, in the column names of `packages/usage-store/migrations`. */
export type UsageRow = Record<string, string | number | boolean | null | Record<string, string>>

/** ClickHouse's DateTime64(3) text form, in UTC. */
function clickhouseTime(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').replace('Z', '')
}

/** Maps a validated event to its row; attempt-only and request-only fields get neutral values. */
export function toUsageRow(event: UsageEvent): UsageRow {
  const { attribution, tokens } = event
  const attempt = event.kind === 'attempt' ? event : undefined
  const request = event.kind === 'request' ? event : undefined
  return {
    id: event.id,
    kind: event.kind,
    request_id: event.requestId,
    gateway_request_id: event.gatewayRequestId ?? '',
    occurred_at: clickhouseTime(event.occurredAt),
    gateway_pod_id: event.gatewayPodId,
    org_id: attribution.orgId,
    team_id: attribution.teamId ?? '',
    project_id: attribution.projectId ?? '',
    environment: attribution.environment ?? '',
    cost_center: attribution.costCenter ?? '',
    user_id: attribution.userId ?? '',
    key_id: attribution.keyId ?? '',
    tags: attribution.tags,
    endpoint: event.endpoint,
    requested_model: event.requestedModel,
    provider_type: attempt?.providerType ?? '',
    provider_id: attempt?.providerId ?? '',
    deployment_id: attempt?.deploymentId ?? request?.deploymentId ?? '',
    upstream_model: attempt?.upstreamModel ?? '',
    is_stream: event.isStream,
    attempt_number: attempt?.attemptNumber ?? 0,
    attempt_count: request?.attemptCount ?? 0,
    input_tokens: tokens.inputTokens,
    output_tokens: tokens.outputTokens,
    cached_input_tokens: tokens.cachedInputTokens,
    cache_write_input_tokens: tokens.cacheWriteInputTokens,
    reasoning_tokens: tokens.reasoningTokens,
    is_estimated: tokens.isEstimated,
    cost_micro_usd: event.costMicroUsd,
    cache_saved_micro_usd: request?.cacheSavedMicroUsd ?? 0,
    latency_ms: event.latencyMs,
    time_to_first_token_ms: event.timeToFirstTokenMs,
    status: event.status,
    http_status: event.httpStatus,
    error_class: event.errorClass ?? '',
    fallback_reason: attempt?.fallbackReason ?? '',
    is_cache_hit: request?.isCacheHit ?? false,
  }
}

/** Inserts rows into `usage_events`; the table collapses rows that share an event id. */
export async function insertUsageRows(
  client: ClickHouseClient,
  database: string,
  rows: readonly UsageRow[],
): Promise<void> {
  await client.insert({ table: `${database}.usage_events`, values: [...rows], format: 'JSONEachRow' })
}
