import { ChatCompletionRequest } from '@switchyard/contracts'
import { UpstreamError } from '@switchyard/providers'
import { Hono } from 'hono'
import { asClientError } from '../gateway-errors.ts'
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts'
import { type AdmissionDeps, admitRequest } from '../pipeline/admit-request.ts'
import { pickDeployment } from '../pipeline/pick-deployment.ts'
import { proxyHeaders } from '../pipeline/proxy-headers.ts'
import { chatEventStream } from '../sse/chat-event-stream.ts'
import { type Attempt, type InvokeDeps, invokeChat, invokeChatStream } from '../upstream/invoke-chat.ts'

export interface ChatRouteDeps extends AdmissionDeps, InvokeDeps {
  readonly metrics: GatewayMetrics
  readonly random: () => number
}

const ROUTE = '/v1/chat/completions'

/** `POST /v1/chat/completions`, streaming and not, to whichever provider the model maps to. */
export function chatCompletionsRoute(deps: ChatRouteDeps): Hono {
  const app = new Hono()
  app.post(ROUTE, async (c) => {
    const startedAt = performance.now()
    const admitted = await admitRequest(deps, c.req.raw, ChatCompletionRequest)
    const { body, model, requestId } = admitted
    const deployment = pickDeployment(model, deps.random())
    const provider = deployment.provider
    const upstreamAbort = new AbortController()
    const attempt: Attempt = {
      model,
      deployment,
      requestId,
      signal: AbortSignal.any([c.req.raw.signal, upstreamAbort.signal]),
    }
    const headers = proxyHeaders(admitted, deployment)
    const finish = (status: number, upstreamMs: number) => {
      const durationMs = performance.now() - startedAt
      const overheadMs = Math.max(0, durationMs - upstreamMs)
      deps.metrics.recordCall({
        route: ROUTE,
        model: model.name,
        provider: provider.name,
        status,
        durationMs,
        overheadMs,
      })
      return overheadMs
    }

    const upstreamStartedAt = performance.now()
    try {
      if (body.stream) {
        const events = (await invokeChatStream(deps, attempt, body))[Symbol.asyncIterator]()
        // The first event is read before answering: a failure until then is still a clean HTTP
        // error (and, later, a retry); after it, the client has bytes and nothing is retried.
        const first = await events.next()
        const overheadMs = finish(200, performance.now() - upstreamStartedAt)
        deps.metrics.recordAttempt(provider.name, 'ok')
        const stream = chatEventStream(first, events, {
          includeUsage: body.stream_options?.include_usage === true,
          abortUpstream: () => upstreamAbort.abort(),
          onEnd: (outcome) => {
            if (outcome.usage) deps.metrics.recordTokens(model.name, provider.name, outcome.usage)
          },
        })
        return new Response(stream, {
          headers: {
            ...headers,
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-cache',
            'x-switchyard-overhead-ms': overheadMs.toFixed(3),
          },
        })
      }
      const result = await invokeChat(deps, attempt, body)
      const upstreamMs = performance.now() - upstreamStartedAt
      deps.metrics.recordAttempt(provider.name, 'ok')
      deps.metrics.recordTokens(model.name, provider.name, result.usage)
      const json = JSON.stringify(result.completion)
      const overheadMs = finish(200, upstreamMs)
      return new Response(json, {
        headers: { ...headers, 'content-type': 'application/json', 'x-switchyard-overhead-ms': overheadMs.toFixed(3) },
      })
    } catch (error) {
      if (error instanceof UpstreamError) {
        deps.metrics.recordAttempt(provider.name, error.errorClass)
        finish(error.status, performance.now() - upstreamStartedAt)
      }
      throw asClientError(error)
    }
  })
  return app
}
