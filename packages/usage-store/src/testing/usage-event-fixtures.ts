import type { AttemptUsageEvent, RequestUsageEvent, UsageAttribution, UsageTokens } from '@switchyard/contracts'

export interface UsageEventOverrides {
  readonly id: string
  readonly occurredAt: string
  readonly attribution?: Partial<UsageAttribution>
  readonly tokens?: Partial<UsageTokens>
  readonly costMicroUsd?: number
  readonly status?: AttemptUsageEvent['status']
  readonly requestId?: string
  readonly requestedModel?: string
}

const ZERO_TOKENS: UsageTokens = {
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteInputTokens: 0,
  reasoningTokens: 0,
  isEstimated: false,
}

function attributionOf(overrides: Partial<UsageAttribution> | undefined): UsageAttribution {
  return {
    orgId: 'org_a',
    teamId: 'team_a',
    projectId: null,
    environment: null,
    costCenter: null,
    userId: null,
    keyId: null,
    tags: {},
    ...overrides,
  }
}

/** A valid attempt event for tests; everything not given is neutral. */
export function attemptEvent(
  overrides: UsageEventOverrides &
    Partial<
      Pick<
        AttemptUsageEvent,
        'attemptNumber' | 'providerType' | 'providerId' | 'upstreamModel' | 'deploymentId' | 'fallbackReason'
      >
    >,
): AttemptUsageEvent {
  return {
    schemaVersion: 1,
    kind: 'attempt',
    id: overrides.id,
    requestId: overrides.requestId ?? `req_${overrides.id}`,
    occurredAt: overrides.occurredAt,
    gatewayPodId: 'pod-test',
    attribution: attributionOf(overrides.attribution),
    requestedModel: overrides.requestedModel ?? 'gpt-4o',
    endpoint: 'chat.completions',
    isStream: false,
    tokens: { ...ZERO_TOKENS, ...overrides.tokens },
    costMicroUsd: overrides.costMicroUsd ?? 0,
    latencyMs: 100,
    timeToFirstTokenMs: null,
    status: overrides.status ?? 'success',
    httpStatus: 200,
    errorClass: null,
    attemptNumber: overrides.attemptNumber ?? 1,
    providerType: overrides.providerType ?? 'openai',
    providerId: overrides.providerId ?? 'openai-main',
    deploymentId: overrides.deploymentId ?? 'dep_gpt4o',
    upstreamModel: overrides.upstreamModel ?? 'gpt-4o',
    fallbackReason: overrides.fallbackReason ?? null,
  }
}

/** A valid request (summary) event for tests. */
export function requestEvent(
  overrides: UsageEventOverrides &
    Partial<Pick<RequestUsageEvent, 'attemptCount' | 'isCacheHit' | 'cacheSavedMicroUsd'>>,
): RequestUsageEvent {
  return {
    schemaVersion: 1,
    kind: 'request',
    id: overrides.id,
    requestId: overrides.requestId ?? `req_${overrides.id}`,
    occurredAt: overrides.occurredAt,
    gatewayPodId: 'pod-test',
    attribution: attributionOf(overrides.attribution),
    requestedModel: overrides.requestedModel ?? 'gpt-4o',
    endpoint: 'chat.completions',
    isStream: false,
    tokens: { ...ZERO_TOKENS, ...overrides.tokens },
    costMicroUsd: overrides.costMicroUsd ?? 0,
    latencyMs: 120,
    timeToFirstTokenMs: null,
    status: overrides.status ?? 'success',
    httpStatus: 200,
    errorClass: null,
    attemptCount: overrides.attemptCount ?? 1,
    deploymentId: null,
    isCacheHit: overrides.isCacheHit ?? false,
    cacheSavedMicroUsd: overrides.cacheSavedMicroUsd ?? 0,
    guardrailActions: [],
  }
}
