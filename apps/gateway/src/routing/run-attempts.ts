import type { FallbackCondition } from '@switchyard/contracts'
import { UpstreamError } from '@switchyard/providers'
import type { RuntimeDeployment, RuntimeModel } from '../policy/runtime-policy.ts'
import { ClientClosedError } from '../upstream/upstream-client.ts'
import type { AttemptOutcome, AttemptRecord, RoutingSummary } from './attempt-record.ts'
import { AttemptsFailedError } from './attempts-failed-error.ts'
import { fullJitterBackoffMs } from './backoff.ts'
import { type ChoiceDeps, chooseDeployment } from './choose-deployment.ts'
import { ClientLeftError } from './client-left-error.ts'
import { failurePolicy, recordFailureHealth } from './failure-policy.ts'
import type { RetryBudget } from './retry-budget.ts'

export interface RoutingDeps extends ChoiceDeps {
  readonly retryBudget: RetryBudget
  readonly metrics: { recordAttempt(provider: string, outcome: string): void }
  readonly now: () => number
  readonly random: () => number
  /** Waits between attempts; rejects when the signal aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>
}

/** What one attempt is sent to. */
export interface AttemptTarget {
  /** The model being tried, its total timeout cut to what is left of the request's deadline. */
  readonly model: RuntimeModel
  readonly deployment: RuntimeDeployment
  readonly signal: AbortSignal
  readonly attemptNumber: number
}

export interface AttemptCall<T> {
  readonly model: RuntimeModel
  /** The client's signal: when it aborts, waiting and attempting stop. */
  readonly signal: AbortSignal
  /**
   * True when the answer goes on after `invoke` resolved (a stream): the deployment and the
   * request then stay in flight until `RoutedCall.end`.
   */
  readonly isStream: boolean
  /**
   * One attempt, resolved at the point of no return: the whole answer, or a stream's first
   * event. Nothing may reach the client before it resolves; after it, nothing is retried.
   * Upstream failures reject with `UpstreamError`; anything else stops the loop as it is.
   */
  readonly invoke: (target: AttemptTarget) => Promise<T>
}

export interface RoutedCall<T> {
  readonly value: T
  readonly model: RuntimeModel
  readonly deployment: RuntimeDeployment
  readonly summary: RoutingSummary
  /**
   * Streams: call once when the stream ended. A break after the first event counts against the
   * deployment (it is not retried), and the deployment and request leave the in-flight counts.
   * A no-op for whole answers.
   */
  end(outcome: { readonly error: unknown; readonly isClientGone: boolean }): void
}

type ModelResult<T> =
  | { readonly kind: 'answered'; readonly value: T; readonly deployment: RuntimeDeployment; readonly isProbe: boolean }
  /** The model's attempts or deployments ran out, or the error says another deployment would not help. */
  | { readonly kind: 'exhausted' }
  /** The retry budget or the deadline is spent: no further attempt, fallbacks included. */
  | { readonly kind: 'stopped' }

type AttemptResult<T> =
  | { readonly kind: 'ok'; readonly value: T; readonly isProbe: boolean }
  | { readonly kind: 'failed'; readonly error: UpstreamError }

/**
 * The attempt loop shared by every proxied route: picks deployments by the route's strategy and
 * the pod's deployment health, retries with full-jitter backoff under the pod's retry budget,
 * honours Retry-After, then moves down the route's fallback models when the failure is one the
 * route falls back on. Every attempt is recorded, counted in metrics and fed to the breakers.
 * Resolves with the first answer; rejects with `AttemptsFailedError` carrying the last provider
 * error and every attempt, or with `ClientLeftError` (a `ClientClosedError` with every attempt) when
 * the client left.
 */
export function runAttempts<T>(deps: RoutingDeps, call: AttemptCall<T>): Promise<RoutedCall<T>> {
  return new AttemptRun(deps, call).run()
}

class AttemptRun<T> {
  readonly #deps: RoutingDeps
  readonly #call: AttemptCall<T>
  readonly #attempts: AttemptRecord[] = []
  readonly #deadlineMs: number
  #lastError: UpstreamError | null = null

  constructor(deps: RoutingDeps, call: AttemptCall<T>) {
    this.#deps = deps
    this.#call = call
    this.#deadlineMs = deps.now() + call.model.route.timeouts.totalMs
  }

  async run(): Promise<RoutedCall<T>> {
    const requested = this.#call.model
    this.#deps.retryBudget.startRequest()
    let isHandedOver = false
    try {
      let result = await this.#tryModel(requested, null)
      if (result.kind === 'answered') {
        isHandedOver = this.#call.isStream
        return this.#routed(requested, result)
      }
      const visited = new Set([requested.id])
      for (const fallback of requested.route.fallbacks) {
        if (result.kind === 'stopped') break
        const reason = this.#fallbackReason()
        if (reason === null) break
        if (visited.has(fallback.id)) continue
        visited.add(fallback.id)
        result = await this.#tryModel(fallback, reason)
        if (result.kind === 'answered') {
          isHandedOver = this.#call.isStream
          return this.#routed(fallback, result)
        }
      }
      const lastError = this.#lastError
      // Unreachable: the first attempt always runs and only an upstream failure lets the loop go on.
      if (lastError === null) throw new Error('the attempt loop ended without an attempt')
      throw new AttemptsFailedError(lastError, this.#summary(null))
    } catch (error) {
      // The client left: the attempts made so far still cost something and are metered.
      if (error instanceof ClientClosedError && !(error instanceof ClientLeftError)) {
        throw new ClientLeftError(error, this.#summary(null))
      }
      throw error
    } finally {
      if (!isHandedOver) this.#deps.retryBudget.endRequest()
    }
  }

  /** The requested route's condition for the last failure, if that route falls back on it. */
  #fallbackReason(): FallbackCondition | null {
    if (this.#lastError === null) return null
    const condition = failurePolicy(this.#lastError.errorClass).fallbackOn
    return condition !== null && this.#call.model.route.fallbackOn.has(condition) ? condition : null
  }

  async #tryModel(model: RuntimeModel, fallbackReason: FallbackCondition | null): Promise<ModelResult<T>> {
    const deps = this.#deps
    const retries = model.route.retries
    const excluded = new Set<string>()
    const tried = new Set<string>()
    /** Deployments that answered 429 with Retry-After: not again in this request before then. */
    const notBefore = new Map<string, number>()
    let attemptsOnModel = 0
    while (attemptsOnModel < retries.maxAttempts) {
      const deployment = chooseDeployment(deps, model, { excluded, tried }, deps.now(), deps.random())
      if (deployment === null) return { kind: 'exhausted' }
      let waitMs = tried.has(deployment.id) ? fullJitterBackoffMs(attemptsOnModel, retries, deps.random()) : 0
      const retryAfterMs = (notBefore.get(deployment.id) ?? 0) - deps.now()
      if (retryAfterMs > retries.maxBackoffMs) {
        // Longer than this route ever waits: skip the deployment (the client gets the Retry-After).
        excluded.add(deployment.id)
        continue
      }
      waitMs = Math.max(waitMs, retryAfterMs)
      if (deps.now() + waitMs >= this.#deadlineMs) return { kind: 'stopped' }
      const isRetry = this.#attempts.length > 0
      if (isRetry && !deps.retryBudget.tryAcquireRetry()) return { kind: 'stopped' }
      attemptsOnModel += 1
      let result: AttemptResult<T>
      try {
        if (waitMs > 0) await deps.sleep(waitMs, this.#call.signal)
        result = await this.#attempt(model, deployment, fallbackReason)
      } finally {
        if (isRetry) deps.retryBudget.releaseRetry()
      }
      if (result.kind === 'ok') return { kind: 'answered', value: result.value, deployment, isProbe: result.isProbe }
      tried.add(deployment.id)
      const { error } = result
      const policy = failurePolicy(error.errorClass)
      if (policy.retry === 'none') return { kind: 'exhausted' }
      if (policy.retry === 'other') excluded.add(deployment.id)
      if (error.errorClass === 'rate_limited' && error.retryAfterMs !== null) {
        notBefore.set(deployment.id, deps.now() + error.retryAfterMs)
      }
    }
    return { kind: 'exhausted' }
  }

  async #attempt(
    model: RuntimeModel,
    deployment: RuntimeDeployment,
    fallbackReason: FallbackCondition | null,
  ): Promise<AttemptResult<T>> {
    const deps = this.#deps
    const health = deps.health.get(deployment.id)
    const startedAtMs = deps.now()
    const isProbe = health.begin(startedAtMs)
    const attemptNumber = this.#attempts.length + 1
    const record = (outcome: AttemptOutcome, httpStatus: number | null, timeToFirstByteMs: number | null) =>
      this.#record({ deployment, startedAtMs, outcome, httpStatus, timeToFirstByteMs, fallbackReason, model })
    try {
      const value = await this.#call.invoke({
        model: this.#withinDeadline(model, attemptNumber, startedAtMs),
        deployment,
        signal: this.#call.signal,
        attemptNumber,
      })
      const endedAtMs = record('ok', 200, deps.now() - startedAtMs)
      health.recordFirstByte(endedAtMs - startedAtMs)
      if (this.#call.isStream) {
        // A probe is judged by its first event, so the probe slot does not wait for the whole
        // stream; any other stream is judged when it ends (`RoutedCall.end`).
        if (isProbe) health.breaker.recordSuccess(true, endedAtMs)
      } else {
        health.breaker.recordSuccess(isProbe, endedAtMs)
        health.end()
      }
      return { kind: 'ok', value, isProbe }
    } catch (error) {
      health.end()
      if (!(error instanceof UpstreamError)) {
        health.breaker.recordNeutral(isProbe)
        if (error instanceof ClientClosedError) record('client_closed', null, null)
        throw error
      }
      const endedAtMs = record(error.errorClass, error.status, null)
      this.#lastError = error
      recordFailureHealth(health.breaker, error, isProbe, endedAtMs)
      return { kind: 'failed', error }
    }
  }

  /** Adds one attempt to the request's list and the metrics; returns when it ended. */
  #record(attempt: {
    readonly model: RuntimeModel
    readonly deployment: RuntimeDeployment
    readonly startedAtMs: number
    readonly outcome: AttemptOutcome
    readonly httpStatus: number | null
    readonly timeToFirstByteMs: number | null
    readonly fallbackReason: FallbackCondition | null
  }): number {
    const { deployment, startedAtMs } = attempt
    const endedAtMs = this.#deps.now()
    this.#attempts.push({
      attemptNumber: this.#attempts.length + 1,
      model: attempt.model.name,
      deploymentId: deployment.id,
      providerId: deployment.provider.id,
      providerName: deployment.provider.name,
      providerType: deployment.provider.target.type,
      upstreamModel: deployment.upstreamModel,
      outcome: attempt.outcome,
      httpStatus: attempt.httpStatus,
      startedAtMs,
      latencyMs: endedAtMs - startedAtMs,
      timeToFirstByteMs: attempt.timeToFirstByteMs,
      fallbackReason: attempt.fallbackReason,
    })
    this.#deps.metrics.recordAttempt(deployment.provider.name, attempt.outcome)
    return endedAtMs
  }

  /** Attempts after the first get only what is left of the request's deadline. */
  #withinDeadline(model: RuntimeModel, attemptNumber: number, nowMs: number): RuntimeModel {
    const leftMs = Math.max(1, this.#deadlineMs - nowMs)
    if (attemptNumber === 1 || leftMs >= model.timeouts.totalMs) return model
    return { ...model, timeouts: { ...model.timeouts, totalMs: leftMs } }
  }

  #summary(answeredBy: RoutingSummary['answeredBy']): RoutingSummary {
    const requested = this.#call.model
    const fallbackFrom = answeredBy !== null && answeredBy.model !== requested ? requested.name : null
    return { requestedModel: requested.name, attempts: this.#attempts, answeredBy, fallbackFrom }
  }

  #routed(model: RuntimeModel, answered: Extract<ModelResult<T>, { kind: 'answered' }>): RoutedCall<T> {
    const deps = this.#deps
    const { deployment, isProbe } = answered
    let isEnded = !this.#call.isStream
    return {
      value: answered.value,
      model,
      deployment,
      summary: this.#summary({ model, deployment }),
      end({ error, isClientGone }) {
        if (isEnded) return
        isEnded = true
        const health = deps.health.get(deployment.id)
        health.end()
        const nowMs = deps.now()
        if (error instanceof UpstreamError) {
          if (failurePolicy(error.errorClass).health === 'failure') health.breaker.recordFailure(false, nowMs)
        } else if (error === null && !isClientGone && !isProbe) {
          health.breaker.recordSuccess(false, nowMs)
        }
        deps.retryBudget.endRequest()
      },
    }
  }
}
