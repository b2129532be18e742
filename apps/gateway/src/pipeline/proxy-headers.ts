import { ChatCompletionRequest } from '@switchyard/contracts'
import type { LimitTicket } from '../limits/limiter.ts'
import type { RuntimeDeployment } from '../policy/runtime-policy.ts'
import type { RoutingSummary } from '../routing/attempt-record.ts'

/** Providers that take unknown OpenAI fields as they are. */
const PASSES_UNKNOWN_FIELDS = new Set(['openai', 'azure-openai', 'openai-compatible'])
const KNOWN_FIELDS = new Set(Object.keys(ChatCompletionRequest.shape))

/**
 * Headers on every proxied response: the rate-limit standing, who answered (the deployment, its
 * provider and upstream model), after how many attempts, from which model when a fallback
 * answered or a budget downgraded, and what was dropped.
 */
export function proxyHeaders(
  admitted: { requestId: string; body: object; limits?: LimitTicket },
  routed: { readonly deployment: RuntimeDeployment; readonly summary: RoutingSummary },
): Record<string, string> {
  const { deployment } = routed
  const headers: Record<string, string> = {
    ...admitted.limits?.headers,
    'x-request-id': admitted.requestId,
    'x-switchyard-provider': deployment.provider.name,
    'x-switchyard-deployment': deployment.id,
    'x-switchyard-model': deployment.upstreamModel,
    ...attemptHeaders(routed.summary),
  }
  if (admitted.limits?.downgradedFrom) headers['x-switchyard-downgraded-from'] = admitted.limits.downgradedFrom
  if (!PASSES_UNKNOWN_FIELDS.has(deployment.provider.target.type)) {
    const dropped = Object.keys(admitted.body).filter((field) => !KNOWN_FIELDS.has(field))
    if (dropped.length > 0)
      headers['x-switchyard-warning'] = `dropped fields the provider does not support: ${dropped.join(', ')}`
  }
  return headers
}

/** `x-switchyard-attempts`, and `x-switchyard-fallback-from` (the requested model) when a fallback answered. */
export function attemptHeaders(summary: RoutingSummary): Record<string, string> {
  const headers: Record<string, string> = { 'x-switchyard-attempts': String(summary.attempts.length) }
  if (summary.fallbackFrom !== null) headers['x-switchyard-fallback-from'] = summary.fallbackFrom
  return headers
}
