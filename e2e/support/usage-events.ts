import { USAGE_EVENT_SCHEMA_VERSION, type UsageEvent } from '@switchyard/contracts'

/** A deterministic, varied cost in micro-USD for event `index` (1 to 250,000, never zero). */
export function costOfEvent(index: number): number {
  return ((index * 7_919) % 250_000) + 1
}

/** A valid request usage event with a known id and cost, as a gateway pod would publish it. */
export function syntheticUsageEvent(prefix: string, index: number): UsageEvent {
  return {
    schemaVersion: USAGE_EVENT_SCHEMA_VERSION,
    kind: 'request',
    id: `${prefix}-${index}`,
    requestId: `req-${prefix}-${index}`,
    gatewayRequestId: `gw-${prefix}-${index}`,
    occurredAt: new Date(Date.UTC(2026, 10, 20, 10, 0, 0) + index * 1_000).toISOString(),
    gatewayPodId: 'pod-synthetic',
    attribution: {
      orgId: 'org-e2e',
      teamId: `team-${index % 7}`,
      projectId: null,
      environment: 'e2e',
      costCenter: null,
      userId: null,
      keyId: 'key-e2e',
      tags: {},
    },
    requestedModel: 'chat',
    endpoint: 'chat.completions',
    isStream: index % 2 === 0,
    tokens: {
      inputTokens: 10 + (index % 50),
      outputTokens: 5 + (index % 20),
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
      reasoningTokens: 0,
      isEstimated: false,
    },
    costMicroUsd: costOfEvent(index),
    latencyMs: 20,
    timeToFirstTokenMs: null,
    status: 'success',
    httpStatus: 200,
    errorClass: null,
    attemptCount: 1,
    deploymentId: 'dep-e2e',
    isCacheHit: false,
    cacheSavedMicroUsd: 0,
    guardrailActions: [],
  }
}
