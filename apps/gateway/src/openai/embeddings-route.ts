import { EmbeddingsRequest, type EmbeddingsResponse, type TokenUsage } from '@switchyard/contracts'
import { InvalidRequestError } from '@switchyard/http-server'
import { Hono } from 'hono'
import { embeddingsRequestSize } from '../limits/request-size.ts'
import { meteredRequest, type UsageMeter } from '../metering/usage-meter.ts'
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts'
import { type AdmissionDeps, admitRequest } from '../pipeline/admit-request.ts'
import { proxyHeaders } from '../pipeline/proxy-headers.ts'
import type { RoutingVariables } from '../routing/attempt-record.ts'
import { AttemptsFailedError } from '../routing/attempts-failed-error.ts'
import { ClientLeftError } from '../routing/client-left-error.ts'
import { type AttemptTarget, type RoutingDeps, runAttempts } from '../routing/run-attempts.ts'
import { adapterFor, type InvokeDeps } from '../upstream/invoke-chat.ts'

export interface EmbeddingsRouteDeps extends AdmissionDeps, InvokeDeps, RoutingDeps {
  readonly metrics: GatewayMetrics
  readonly meter: UsageMeter
}

type Env = { Variables: RoutingVariables }

const ROUTE = '/v1/embeddings'

/** `POST /v1/embeddings` to providers whose adapter supports embeddings, through the attempt loop. */
export function embeddingsRoute(deps: EmbeddingsRouteDeps): Hono<Env> {
  const app = new Hono<Env>()
  app.post(ROUTE, async (c) => {
    const startedAt = performance.now()
    const startedAtMs = deps.now()
    const admitted = await admitRequest(deps, c.req.raw, EmbeddingsRequest, 'embeddings', embeddingsRequestSize)
    const metered = meteredRequest(admitted, 'embeddings', false, startedAtMs)
    const upstreamStartedAt = performance.now()
    const finish = (status: number, provider: string) => {
      const durationMs = performance.now() - startedAt
      const overheadMs = Math.max(0, durationMs - (performance.now() - upstreamStartedAt))
      deps.metrics.recordCall({ route: ROUTE, model: admitted.model.name, provider, status, durationMs, overheadMs })
      return overheadMs
    }
    try {
      const routed = await runAttempts(deps, {
        model: admitted.model,
        signal: c.req.raw.signal,
        isStream: false,
        invoke: (target) => invokeEmbeddings(deps, target, admitted.requestId, admitted.body),
      })
      c.set('routing', routed.summary)
      const overheadMs = finish(200, routed.deployment.provider.name)
      const response = c.json(routed.value, 200, {
        ...proxyHeaders(admitted, routed),
        'x-switchyard-overhead-ms': overheadMs.toFixed(3),
      })
      const usage = embeddingsUsage(routed.value)
      deps.meter.answered(metered, routed.summary, usage)
      admitted.limits.settle(routed.deployment, usage)
      return response
    } catch (error) {
      if (error instanceof AttemptsFailedError) {
        c.set('routing', error.summary)
        finish(error.status, error.summary.attempts.at(-1)?.providerName ?? '')
        deps.meter.failed(metered, error)
        admitted.limits.settle(null, null)
      } else if (error instanceof ClientLeftError) {
        c.set('routing', error.summary)
        deps.meter.clientLeft(metered, error)
      }
      throw error
    }
  })
  return app
}

/** Embeddings bill their input only. */
function embeddingsUsage(response: EmbeddingsResponse): TokenUsage {
  return {
    inputTokens: response.usage.prompt_tokens,
    outputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteInputTokens: 0,
    reasoningTokens: 0,
  }
}

/** One embeddings attempt; a deployment whose provider has no embeddings API is the request's error. */
async function invokeEmbeddings(
  deps: InvokeDeps,
  target: AttemptTarget,
  requestId: string,
  body: EmbeddingsRequest,
): Promise<EmbeddingsResponse> {
  const { deployment } = target
  const adapter = adapterFor(deps.adapters, deployment.provider.target.type)
  if (!adapter.buildEmbeddingsRequest || !adapter.parseEmbeddingsResponse) {
    throw new InvalidRequestError(`The model \`${target.model.name}\` does not support embeddings.`, {
      param: 'model',
      code: 'embeddings_not_supported',
    })
  }
  const context = { target: deployment.provider.target, upstreamModel: deployment.upstreamModel, requestId }
  const built = adapter.buildEmbeddingsRequest(body, context)
  const signed = await adapter.authenticate(built, deployment.provider.credentials, context)
  const response = await deps.upstream.send(signed, target.model.timeouts, target.signal)
  const text = await response.text()
  if (response.status >= 400) {
    throw adapter.toUpstreamError({ status: response.status, headers: response.headers, bodyText: text })
  }
  return adapter.parseEmbeddingsResponse(JSON.parse(text), context)
}
