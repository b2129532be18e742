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
    const registers = [this.registry]
    const gauge = (name: string, help: string, value: (stats: UsageEmitterStats) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(value(read()))
        },
      })
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
    const total = (name: string, help: string, value: (stats: UsageEmitterStats) => number) => {
      let reported = 0
      new Counter({
        name,
        help,
        registers,
        collect() {
          const current = value(read())
          if (current > reported) this.inc(current - reported)
          reported = current
        },
      })
    }
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
    const reportedDrops = new Map<UsageDropReason, number>()
    new Counter({
      name: 'switchyard_usage_events_dropped_total',
      help: 'Usage events lost, by reason (queue_full, spool_full, spool_error, closed); each drop is also logged.',
      labelNames: ['reason'] as const,
      registers,
      collect() {
        for (const [reason, current] of Object.entries(read().droppedByReason) as [UsageDropReason, number][]) {
          // Incremented by 0 too, so every reason has a series (alerts need one to compare against).
          const reported = reportedDrops.get(reason) ?? 0
          if (current >= reported) this.inc({ reason }, current - reported)
          reportedDrops.set(reason, current)
        }
      },
    })
  }

  /**
   * The circuit breakers and the retry budget, read at each scrape: ejections per deployment
   * (a counter), whether each is ejected now (1 while open or half-open), retries denied by the
   * budget, retries and requests in flight. Call once per registry.
   */
  trackRouting(health: DeploymentHealthRegistry, retryBudget: RetryBudget, now: () => number): void {
    const registers = [this.registry]
    const reportedEjections = new Map<string, number>()
    new Counter({
      name: 'switchyard_deployment_ejections_total',
      help: 'Times the circuit breaker ejected a deployment on this pod (re-ejections after a failed probe included).',
      labelNames: ['deployment'] as const,
      registers,
      collect() {
        for (const [deployment, entry] of health.entries()) {
          const current = entry.breaker.totalEjections
          const reported = reportedEjections.get(deployment) ?? 0
          // A deployment dropped by a snapshot and added back starts from 0 again.
          if (current > reported) this.inc({ deployment }, current - reported)
          reportedEjections.set(deployment, current)
        }
      },
    })
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
    let reportedDenied = 0
    new Counter({
      name: 'switchyard_retries_denied_total',
      help: 'Retries and fallbacks the retry budget refused (the request failed with the error it had).',
      registers,
      collect() {
        const current = retryBudget.deniedRetries
        if (current > reportedDenied) this.inc(current - reportedDenied)
        reportedDenied = current
      },
    })
    new Gauge({
      name: 'switchyard_retries_in_flight',
      help: 'Retries holding a slot of the retry budget now (backoff included).',
      registers,
      collect() {
        this.set(retryBudget.retriesInFlight)
      },
    })
    new Gauge({
      name: 'switchyard_retry_budget_limit',
      help: 'Retries the budget allows at once with the current load.',
      registers,
      collect() {
        this.set(retryBudget.limit())
      },
    })
  }

  /** The exact cache: lookups (hit, miss), stores, evictions, entries and bytes, read at each scrape. Call once per registry. */
  trackExactCache(read: () => ExactCacheStats): void {
    const registers = [this.registry]
    const reported = { hit: 0, miss: 0, stored: 0, too_large: 0, evictions: 0 }
    new Counter({
      name: 'switchyard_cache_lookups_total',
      help: 'Exact-cache lookups by outcome (hit, miss); refreshes and requests that skip the cache do not look up.',
      labelNames: ['outcome'] as const,
      registers,
      collect() {
        const stats = read()
        for (const [outcome, current] of [
          ['hit', stats.hits],
          ['miss', stats.misses],
        ] as const) {
          this.inc({ outcome }, Math.max(0, current - reported[outcome]))
          reported[outcome] = current
        }
      },
    })
    new Counter({
      name: 'switchyard_cache_stores_total',
      help: 'Answers offered to the exact cache by outcome (stored, too_large).',
      labelNames: ['outcome'] as const,
      registers,
      collect() {
        const stats = read()
        for (const [outcome, current] of [
          ['stored', stats.stores],
          ['too_large', stats.tooLarge],
        ] as const) {
          this.inc({ outcome }, Math.max(0, current - reported[outcome]))
          reported[outcome] = current
        }
      },
    })
    new Counter({
      name: 'switchyard_cache_evictions_total',
      help: 'Live exact-cache entries pushed out to make room (expired ones are not counted).',
      registers,
      collect() {
        const current = read().evictions
        this.inc(Math.max(0, current - reported.evictions))
        reported.evictions = current
      },
    })
    const gauge = (name: string, help: string, value: (stats: ExactCacheStats) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(value(read()))
        },
      })
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
