import { ChatCompletionRequest } from '@switchyard/contracts'
import type { RuntimeDeployment } from '../policy/runtime-policy.ts'

/** Providers that take unknown OpenAI fields as they are. */
const PASSES_UNKNOWN_FIELDS = new Set(['openai', 'azure-openai', 'openai-compatible'])
const KNOWN_FIELDS = new Set(Object.keys(ChatCompletionRequest.shape))

/** Headers on every proxied response: who answered, how, and what was dropped. */
export function proxyHeaders(
  admitted: { requestId: string; body: object },
  deployment: RuntimeDeployment,
): Record<string, string> {
  const headers: Record<string, string> = {
    'x-request-id': admitted.requestId,
    'x-switchyard-provider': deployment.provider.name,
    'x-switchyard-deployment': deployment.id,
    'x-switchyard-model': deployment.upstreamModel,
    'x-switchyard-attempts': '1',
  }
  if (!PASSES_UNKNOWN_FIELDS.has(deployment.provider.target.type)) {
    const dropped = Object.keys(admitted.body).filter((field) => !KNOWN_FIELDS.has(field))
    if (dropped.length > 0)
      headers['x-switchyard-warning'] = `dropped fields the provider does not support: ${dropped.join(', ')}`
  }
  return headers
}
