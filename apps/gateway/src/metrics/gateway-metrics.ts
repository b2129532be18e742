import type { TokenUsage } from '@switchyard/contracts'
import { Counter, Histogram, Registry } from 'prom-client'

export interface ProxiedCall {
  readonly route: string
  readonly model: string
  readonly provider: string
  readonly status: number
  readonly durationMs: number
  readonly overheadMs: number
}

/**
 * Prometheus metrics of one pod. Labels are bounded sets (routes, model names, provider names,
 * status codes); request ids and keys never become labels.
 */
export class GatewayMetrics {
  readonly registry = new Registry()
  readonly #requests = new Histogram({
    name: 'switchyard_request_duration_seconds',
    help: 'Proxied requests: time from arrival to response headers (non-streaming: to the full body).',
    labelNames: ['route', 'model', 'provider', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  })
  readonly #overhead = new Histogram({
    name: 'switchyard_gateway_overhead_seconds',
    help: 'Time the gateway itself added to a request, upstream time excluded.',
    labelNames: ['route'] as const,
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    registers: [this.registry],
  })
  readonly #tokens = new Counter({
    name: 'switchyard_tokens_total',
    help: 'Tokens metered, by direction (input, output, cached_input, cache_write_input, reasoning).',
    labelNames: ['model', 'provider', 'direction'] as const,
    registers: [this.registry],
  })
  readonly #attempts = new Counter({
    name: 'switchyard_upstream_attempts_total',
    help: 'Upstream attempts by outcome (ok or the error class).',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  })

  recordCall(call: ProxiedCall): void {
    this.#requests.observe(
      { route: call.route, model: call.model, provider: call.provider, status: String(call.status) },
      call.durationMs / 1000,
    )
    this.#overhead.observe({ route: call.route }, call.overheadMs / 1000)
  }

  recordAttempt(provider: string, outcome: string): void {
    this.#attempts.inc({ provider, outcome })
  }

  recordTokens(model: string, provider: string, usage: TokenUsage): void {
    const add = (direction: string, count: number) => {
      if (count > 0) this.#tokens.inc({ model, provider, direction }, count)
    }
    add('input', usage.inputTokens)
    add('output', usage.outputTokens)
    add('cached_input', usage.cachedInputTokens)
    add('cache_write_input', usage.cacheWriteInputTokens)
    add('reasoning', usage.reasoningTokens)
  }
}
