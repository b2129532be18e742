import { EmbeddingsRequest } from '@switchyard/contracts'
import { InvalidRequestError } from '@switchyard/http-server'
import { UpstreamError } from '@switchyard/providers'
import { Hono } from 'hono'
import { asClientError } from '../gateway-errors.ts'
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts'
import { type AdmissionDeps, admitRequest } from '../pipeline/admit-request.ts'
import { pickDeployment } from '../pipeline/pick-deployment.ts'
import { proxyHeaders } from '../pipeline/proxy-headers.ts'
import { adapterFor, type InvokeDeps } from '../upstream/invoke-chat.ts'

export interface EmbeddingsRouteDeps extends AdmissionDeps, InvokeDeps {
  readonly metrics: GatewayMetrics
  readonly random: () => number
}

const ROUTE = '/v1/embeddings'

/** `POST /v1/embeddings` to providers whose adapter supports embeddings. */
export function embeddingsRoute(deps: EmbeddingsRouteDeps): Hono {
  const app = new Hono()
  app.post(ROUTE, async (c) => {
    const startedAt = performance.now()
    const admitted = await admitRequest(deps, c.req.raw, EmbeddingsRequest)
    const deployment = pickDeployment(admitted.model, deps.random())
    const adapter = adapterFor(deps.adapters, deployment.provider.target.type)
    if (!adapter.buildEmbeddingsRequest || !adapter.parseEmbeddingsResponse) {
      throw new InvalidRequestError(`The model \`${admitted.model.name}\` does not support embeddings.`, {
        param: 'model',
        code: 'embeddings_not_supported',
      })
    }
    const context = {
      target: deployment.provider.target,
      upstreamModel: deployment.upstreamModel,
      requestId: admitted.requestId,
    }
    const upstreamStartedAt = performance.now()
    try {
      const built = adapter.buildEmbeddingsRequest(admitted.body, context)
      const signed = await adapter.authenticate(built, deployment.provider.credentials, context)
      const response = await deps.upstream.send(signed, admitted.model.timeouts, c.req.raw.signal)
      const text = await response.text()
      if (response.status >= 400) {
        throw adapter.toUpstreamError({ status: response.status, headers: response.headers, bodyText: text })
      }
      const embeddings = adapter.parseEmbeddingsResponse(JSON.parse(text), context)
      const upstreamMs = performance.now() - upstreamStartedAt
      const durationMs = performance.now() - startedAt
      const overheadMs = Math.max(0, durationMs - upstreamMs)
      deps.metrics.recordAttempt(deployment.provider.name, 'ok')
      deps.metrics.recordCall({
        route: ROUTE,
        model: admitted.model.name,
        provider: deployment.provider.name,
        status: 200,
        durationMs,
        overheadMs,
      })
      return c.json(embeddings, 200, {
        ...proxyHeaders(admitted, deployment),
        'x-switchyard-overhead-ms': overheadMs.toFixed(3),
      })
    } catch (error) {
      if (error instanceof UpstreamError) deps.metrics.recordAttempt(deployment.provider.name, error.errorClass)
      throw asClientError(error)
    }
  })
  return app
}
