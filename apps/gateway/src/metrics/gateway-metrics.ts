import type { TokenUsage } from '@switchyard/contracts'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { ExactCacheStats } from '../cache/exact-cache.ts'
import type { LimitRejection } from '../limits/limiter.ts'
import type { UsageDropReason, UsageEmitterStats } from '../metering/usage-emitter.ts'
import type { DeploymentHealthRegistry } from '../routing/deployment-health.ts'
import type { RetryBudget } from '../routing/retry-budget.ts'

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

  readonly #budgetAlerts = new Counter({
    name: 'switchyard_budget_alerts_total',
    help: 'Budget alert thresholds crossed on this pod, by budget and threshold percent.',
    labelNames: ['budget', 'threshold_pct'] as const,
    registers: [this.registry],
  })

  readonly #limitRejections = new Counter({
    name: 'switchyard_limit_rejections_total',
    help: 'Requests refused with 429 by a rate limit (requests, tokens) or a budget (budget_exceeded, budget_contended).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  })

  recordLimitRejection(kind: LimitRejection): void {
    this.#limitRejections.inc({ kind })
  }

  recordBudgetAlert(budget: string, thresholdPct: number): void {
    this.#budgetAlerts.inc({ budget, threshold_pct: String(thresholdPct) })
  }

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

  /**
   * The usage emitter's queue, spool and totals, read from its stats at each scrape. Call once
   * per registry.
   */
  trackUsageEmitter(read: () => UsageEmitterStats): void {
    const { registry } = this
    const gauge = (name: string, help: string, value: (stats: UsageEmitterStats) => number) =>
      statsGauge(registry, name, help, () => value(read()))
    const total = (name: string, help: string, value: (stats: UsageEmitterStats) => number) =>
      statsTotals(registry, name, help, () => ({ all: value(read()) }))
    gauge(
      'switchyard_usage_queued_events',
      'Usage events in memory, waiting to be published or spooled.',
      (s) => s.queued,
    )
    gauge(
      'switchyard_usage_publishes_in_flight',
      'Usage publishes waiting for the bus (replays included).',
      (s) => s.inFlight,
    )
    gauge('switchyard_usage_spool_bytes', 'Bytes of usage events in the on-disk spool.', (s) => s.spoolBytes)
    gauge('switchyard_usage_bus_failing', '1 while usage publishes fail and new events go to the spool.', (s) =>
      s.isBusFailing ? 1 : 0,
    )
    total(
      'switchyard_usage_events_published_total',
      'Usage events the bus stored on the first try.',
      (s) => s.published,
    )
    total('switchyard_usage_events_spooled_total', 'Usage events written to the on-disk spool.', (s) => s.spooled)
    total('switchyard_usage_events_replayed_total', 'Spooled usage events the bus stored later.', (s) => s.replayed)
    total(
      'switchyard_usage_spool_corrupt_lines_total',
      'Spool lines skipped on replay (torn by a crash).',
      (s) => s.spoolCorruptLines,
    )
    // Every reason gets a series, at 0 until it happens: alerts need one to compare against.
    statsTotals(
      registry,
      'switchyard_usage_events_dropped_total',
      'Usage events lost, by reason (queue_full, spool_full, spool_error, closed); each drop is also logged.',
      () => read().droppedByReason,
      'reason',
    )
  }

  /**
   * The circuit breakers and the retry budget, read at each scrape: ejections per deployment
   * (a counter), whether each is ejected now (1 while open or half-open), retries denied by the
   * budget, retries and requests in flight. Call once per registry.
   */
  trackRouting(health: DeploymentHealthRegistry, retryBudget: RetryBudget, now: () => number): void {
    const { registry } = this
    const registers = [registry]
    statsTotals(
      registry,
      'switchyard_deployment_ejections_total',
      'Times the circuit breaker ejected a deployment on this pod (re-ejections after a failed probe included).',
      () =>
        Object.fromEntries(
          [...health.entries()].map(([deployment, entry]) => [deployment, entry.breaker.totalEjections]),
        ),
      'deployment',
    )
    new Gauge({
      name: 'switchyard_deployment_ejected',
      help: '1 while the circuit breaker keeps a deployment out of rotation (open, or half-open awaiting its probe); else 0.',
      labelNames: ['deployment'] as const,
      registers,
      collect() {
        this.reset()
        const nowMs = now()
        for (const [deployment, entry] of health.entries()) {
          this.set({ deployment }, entry.breaker.state(nowMs) === 'closed' ? 0 : 1)
        }
      },
    })
    statsTotals(
      registry,
      'switchyard_retries_denied_total',
      'Retries and fallbacks the retry budget refused (the request failed with the error it had).',
      () => ({ all: retryBudget.deniedRetries }),
    )
    statsGauge(
      registry,
      'switchyard_retries_in_flight',
      'Retries holding a slot of the retry budget now (backoff included).',
      () => retryBudget.retriesInFlight,
    )
    statsGauge(
      registry,
      'switchyard_retry_budget_limit',
      'Retries the budget allows at once with the current load.',
      () => retryBudget.limit(),
    )
  }

  /** The exact cache: lookups (hit, miss), stores, evictions, entries and bytes, read at each scrape. Call once per registry. */
  trackExactCache(read: () => ExactCacheStats): void {
    const { registry } = this
    statsTotals(
      registry,
      'switchyard_cache_lookups_total',
      'Exact-cache lookups by outcome (hit, miss); refreshes and requests that skip the cache do not look up.',
      () => {
        const stats = read()
        return { hit: stats.hits, miss: stats.misses }
      },
      'outcome',
    )
    statsTotals(
      registry,
      'switchyard_cache_stores_total',
      'Answers offered to the exact cache by outcome (stored, too_large).',
      () => {
        const stats = read()
        return { stored: stats.stores, too_large: stats.tooLarge }
      },
      'outcome',
    )
    statsTotals(
      registry,
      'switchyard_cache_evictions_total',
      'Live exact-cache entries pushed out to make room (expired ones are not counted).',
      () => ({ all: read().evictions }),
    )
    const gauge = (name: string, help: string, value: (stats: ExactCacheStats) => number) =>
      statsGauge(registry, name, help, () => value(read()))
    gauge(
      'switchyard_cache_entries',
      'Answers held by the exact cache (expired ones until they are dropped).',
      (s) => s.entries,
    )
    gauge(
      'switchyard_cache_bytes',
      'Bytes the exact cache holds, as it counts them (JSON bytes plus a fixed overhead).',
      (s) => s.bytes,
    )
    gauge('switchyard_cache_max_bytes', "The exact cache's byte bound.", (s) => s.maxBytes)
  }
}

/** A gauge set from a stats reader at each scrape. */
function statsGauge(registry: Registry, name: string, help: string, value: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(value())
    },
  })
}

/**
 * A counter fed from running totals read at each scrape: each scrape adds what the totals grew
 * by since the last one (0 too, so each labelled series exists from the first scrape). Without
 * a label, one series from the totals' single entry.
 */
function statsTotals(
  registry: Registry,
  name: string,
  help: string,
  totals: () => Readonly<Record<string, number>>,
  label?: string,
): void {
  const reported = new Map<string, number>()
  new Counter({
    name,
    help,
    labelNames: label === undefined ? [] : [label],
    registers: [registry],
    collect() {
      for (const [value, current] of Object.entries(totals())) {
        const grown = Math.max(0, current - (reported.get(value) ?? 0))
        if (label === undefined) this.inc(grown)
        else this.inc({ [label]: value }, grown)
        // A total that starts again from 0 (a deployment dropped and added back) counts on from there.
        reported.set(value, current)
      }
    },
  })
}
