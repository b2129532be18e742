import { z } from 'zod'
import { ProviderType } from './provider-id.ts'
import { TokenUsage } from './token-usage.ts'

export const USAGE_EVENT_SCHEMA_VERSION = 1

/** Integer micro-dollars or token counts: never negative, never fractional. */
const Count = z.int().nonnegative()

/** Who a request is attributed to. Never carries the key itself, only its id. */
export const UsageAttribution = z.object({
  orgId: z.string().min(1),
  teamId: z.string().min(1).nullable(),
  projectId: z.string().min(1).nullable(),
  environment: z.string().min(1).nullable(),
  costCenter: z.string().min(1).nullable(),
  userId: z.string().min(1).nullable(),
  keyId: z.string().min(1).nullable(),
  tags: z.record(z.string(), z.string()),
})
export type UsageAttribution = z.infer<typeof UsageAttribution>

export const UsageTokens = TokenUsage.extend({
  /** True when the provider reported no usage and the counts were estimated with a tokenizer. */
  isEstimated: z.boolean(),
})
export type UsageTokens = z.infer<typeof UsageTokens>

export const UsageStatus = z.enum(['success', 'client_error', 'upstream_error', 'timeout', 'aborted', 'rejected'])
export type UsageStatus = z.infer<typeof UsageStatus>

const UsageEventBase = z.object({
  schemaVersion: z.literal(USAGE_EVENT_SCHEMA_VERSION),
  /** Stable id; the stream and the ingester de-duplicate on it. */
  id: z.string().min(1).max(128),
  /** The client's `x-request-id` (or one the gateway made when it sent none): a label, which clients may reuse. */
  requestId: z.string().min(1).max(128),
  /**
   * Minted by the gateway pod once per client request, never reused: the attempts of a request
   * and its summary share it, so attempt ↔ request links hold even when clients repeat their
   * `x-request-id`. Optional only so that events spooled by a pod older than this field still
   * parse; every event built since carries it.
   */
  gatewayRequestId: z.string().min(1).max(128).optional(),
  occurredAt: z.iso.datetime({ offset: true }),
  gatewayPodId: z.string().min(1),
  attribution: UsageAttribution,
  /** Virtual model name the client asked for. */
  requestedModel: z.string(),
  endpoint: z.enum(['chat.completions', 'embeddings', 'messages']),
  isStream: z.boolean(),
  tokens: UsageTokens,
  costMicroUsd: Count,
  latencyMs: Count,
  timeToFirstTokenMs: Count.nullable(),
  status: UsageStatus,
  httpStatus: z.int().min(100).max(599),
  errorClass: z.string().nullable(),
})

/** One upstream attempt (a retry or a fallback is its own attempt). */
export const AttemptUsageEvent = UsageEventBase.extend({
  kind: z.literal('attempt'),
  attemptNumber: z.int().positive(),
  providerType: ProviderType,
  providerId: z.string().min(1),
  deploymentId: z.string().min(1),
  upstreamModel: z.string().min(1),
  fallbackReason: z.string().nullable(),
})

/** The summary of one client request, whatever number of attempts it took. */
export const RequestUsageEvent = UsageEventBase.extend({
  kind: z.literal('request'),
  attemptCount: Count,
  /** The deployment that produced the answer, if any did. */
  deploymentId: z.string().min(1).nullable(),
  isCacheHit: z.boolean(),
  cacheSavedMicroUsd: Count,
  guardrailActions: z.array(z.object({ guardrail: z.string(), action: z.enum(['allow', 'flag', 'redact', 'block']) })),
})

export const UsageEvent = z.discriminatedUnion('kind', [AttemptUsageEvent, RequestUsageEvent])
export type UsageEvent = z.infer<typeof UsageEvent>
export type AttemptUsageEvent = z.infer<typeof AttemptUsageEvent>
export type RequestUsageEvent = z.infer<typeof RequestUsageEvent>
