import { randomUUID } from 'node:crypto'
import type { AttemptUsageEvent, ProviderType, RequestUsageEvent, UsageEvent } from '@switchyard/contracts'
import { UsageEvent as UsageEventSchema } from '@switchyard/contracts'

interface BenchModel {
  readonly requestedModel: string
  readonly providerType: ProviderType
  readonly providerId: string
  readonly deploymentId: string
  readonly upstreamModel: string
  readonly inputMicroUsdPerMTok: number
  readonly cachedInputMicroUsdPerMTok: number
  readonly outputMicroUsdPerMTok: number
}

const MODELS: readonly BenchModel[] = [
  model('gpt-4o', 'openai', 'openai-main', 'dep_gpt4o', 'gpt-4o-2024-11-20', 2_500_000, 1_250_000, 10_000_000),
  model('gpt-4o-mini', 'openai', 'openai-main', 'dep_gpt4o_mini', 'gpt-4o-mini', 150_000, 75_000, 600_000),
  model('gpt-4o', 'azure-openai', 'azure-eu', 'dep_azure_gpt4o', 'gpt-4o', 2_500_000, 1_250_000, 10_000_000),
  model(
    'claude-sonnet',
    'anthropic',
    'anthropic-main',
    'dep_sonnet',
    'claude-sonnet-4-5',
    3_000_000,
    300_000,
    15_000_000,
  ),
  model(
    'claude-sonnet',
    'bedrock',
    'bedrock-us',
    'dep_bedrock_sonnet',
    'anthropic.claude-sonnet-4-5',
    3_000_000,
    300_000,
    15_000_000,
  ),
  model('gemini-flash', 'gemini', 'google-main', 'dep_gemini_flash', 'gemini-2.5-flash', 300_000, 75_000, 2_500_000),
]

function model(
  requestedModel: string,
  providerType: ProviderType,
  providerId: string,
  deploymentId: string,
  upstreamModel: string,
  inputMicroUsdPerMTok: number,
  cachedInputMicroUsdPerMTok: number,
  outputMicroUsdPerMTok: number,
): BenchModel {
  return {
    requestedModel,
    providerType,
    providerId,
    deploymentId,
    upstreamModel,
    inputMicroUsdPerMTok,
    cachedInputMicroUsdPerMTok,
    outputMicroUsdPerMTok,
  }
}

const ORGS = ['org_acme', 'org_globex', 'org_initech'] as const
const ENVIRONMENTS = ['production', 'staging', 'development'] as const
const FEATURES = ['chat', 'search', 'summarise', 'classify', 'agent'] as const
const TEAMS = 20
const KEYS = 100
const PODS = 4

/** mulberry32: seeded, so two runs publish the same mix. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** One encoded event, ready to publish with its id as the message id. */
export interface EncodedUsageEvent {
  readonly id: string
  readonly body: Uint8Array
  readonly costMicroUsd: number
}

/**
 * Usage events as gateway pods publish them: per client request one attempt event (two when the
 * first attempt failed and a fallback answered) and one request event, random UUID ids, 3 orgs,
 * 20 teams, 100 keys with a user, project, cost centre and two tags each, 6 deployments of 4
 * model families on 6 provider types, a third of prompts partly cached, 3 % failed attempts, 2 %
 * cache hits. Costs are integer micro-USD, rounded up as the gateway prices them.
 */
export function* benchUsageEvents(count: number, seed = 42): Generator<EncodedUsageEvent> {
  const random = seededRandom(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  const encoder = new TextEncoder()
  const startMs = Date.UTC(2026, 10, 1)
  let produced = 0
  for (let request = 0; produced < count; request += 1) {
    const key = Math.floor(random() * KEYS)
    const team = key % TEAMS
    const attribution = {
      orgId: ORGS[team % ORGS.length] ?? 'org_acme',
      teamId: `team_${team}`,
      projectId: `proj_${team}_${key % 3}`,
      environment: ENVIRONMENTS[key % ENVIRONMENTS.length] ?? 'production',
      costCenter: `cc_${1000 + (team % 8)}`,
      userId: `user_${key}`,
      keyId: `key_${key}`,
      tags: { feature: pick(FEATURES), app: `app_${key % 12}` },
    }
    const occurredAt = new Date(startMs + request * 13).toISOString()
    const requestId = randomUUID()
    const gatewayRequestId = randomUUID()
    const gatewayPodId = `gateway-${request % PODS}`
    const isStream = random() < 0.6
    const isCacheHit = random() < 0.02
    const answering = pick(MODELS)
    const attempts: AttemptUsageEvent[] = []
    if (!isCacheHit && random() < 0.03) {
      attempts.push(
        attemptOf({ random, model: pick(MODELS), number: 1, isFailed: true, fallbackReason: null }, common()),
      )
    }
    if (!isCacheHit) {
      const fallbackReason = attempts.length > 0 ? 'upstream_5xx' : null
      attempts.push(
        attemptOf({ random, model: answering, number: attempts.length + 1, isFailed: false, fallbackReason }, common()),
      )
    }
    const answered = attempts.at(-1)
    const summary: RequestUsageEvent = {
      ...common(),
      kind: 'request',
      requestedModel: answering.requestedModel,
      tokens: answered?.tokens ?? zeroTokens(),
      costMicroUsd: attempts.reduce((sum, attempt) => sum + attempt.costMicroUsd, 0),
      latencyMs: attempts.reduce((sum, attempt) => sum + attempt.latencyMs, 0) + 2,
      timeToFirstTokenMs: isStream ? (answered?.timeToFirstTokenMs ?? 1) + 1 : null,
      attemptCount: attempts.length,
      deploymentId: answered?.deploymentId ?? null,
      isCacheHit,
      cacheSavedMicroUsd: isCacheHit ? 1_000 + Math.floor(random() * 20_000) : 0,
      guardrailActions: [{ guardrail: 'pii-redaction', action: random() < 0.05 ? 'redact' : 'allow' }],
    }
    for (const event of [...attempts, summary]) {
      if (produced >= count) return
      produced += 1
      yield { id: event.id, body: encoder.encode(JSON.stringify(event)), costMicroUsd: event.costMicroUsd }
    }

    function common() {
      return {
        schemaVersion: 1 as const,
        id: randomUUID(),
        requestId,
        gatewayRequestId,
        occurredAt,
        gatewayPodId,
        attribution,
        requestedModel: answering.requestedModel,
        endpoint: 'chat.completions' as const,
        isStream,
        status: 'success' as const,
        httpStatus: 200,
        errorClass: null,
      }
    }
  }
}

function zeroTokens(): UsageEvent['tokens'] {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteInputTokens: 0,
    reasoningTokens: 0,
    isEstimated: false,
  }
}

interface AttemptShape {
  readonly random: () => number
  readonly model: BenchModel
  readonly number: number
  readonly isFailed: boolean
  readonly fallbackReason: string | null
}

function attemptOf(
  shape: AttemptShape,
  base: Omit<
    AttemptUsageEvent,
    | 'kind'
    | 'attemptNumber'
    | 'providerType'
    | 'providerId'
    | 'deploymentId'
    | 'upstreamModel'
    | 'fallbackReason'
    | 'tokens'
    | 'costMicroUsd'
    | 'latencyMs'
    | 'timeToFirstTokenMs'
  >,
): AttemptUsageEvent {
  const { random, model: target } = shape
  const inputTokens = shape.isFailed ? 0 : 200 + Math.floor(random() * 4_000)
  const cachedInputTokens = !shape.isFailed && random() < 0.33 ? Math.floor(inputTokens * 0.6) : 0
  const outputTokens = shape.isFailed ? 0 : 20 + Math.floor(random() * 800)
  const reasoningTokens = target.providerType === 'openai' && random() < 0.1 ? Math.floor(outputTokens / 2) : 0
  const costMicroUsd = Math.ceil(
    ((inputTokens - cachedInputTokens) * target.inputMicroUsdPerMTok +
      cachedInputTokens * target.cachedInputMicroUsdPerMTok +
      outputTokens * target.outputMicroUsdPerMTok) /
      1_000_000,
  )
  const latencyMs = shape.isFailed ? 40 + Math.floor(random() * 200) : 300 + Math.floor(random() * 6_000)
  return {
    ...base,
    kind: 'attempt',
    requestedModel: target.requestedModel,
    tokens: {
      inputTokens,
      outputTokens,
      cachedInputTokens,
      cacheWriteInputTokens: 0,
      reasoningTokens,
      isEstimated: false,
    },
    costMicroUsd,
    latencyMs,
    timeToFirstTokenMs: base.isStream && !shape.isFailed ? 150 + Math.floor(random() * 600) : null,
    ...(shape.isFailed
      ? { status: 'upstream_error' as const, httpStatus: 503, errorClass: 'upstream_unavailable' }
      : {}),
    attemptNumber: shape.number,
    providerType: target.providerType,
    providerId: target.providerId,
    deploymentId: target.deploymentId,
    upstreamModel: target.upstreamModel,
    fallbackReason: shape.fallbackReason,
  }
}

/** Fails fast if the generator drifts from the contract: the ingester would dead-letter every event. */
export function assertValidBenchEvent(body: Uint8Array): void {
  const parsed = UsageEventSchema.safeParse(JSON.parse(new TextDecoder().decode(body)))
  if (!parsed.success) throw new Error(`bench event fails the contract: ${parsed.error.message}`)
}
