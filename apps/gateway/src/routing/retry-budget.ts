/** How many retries may run at once on a pod. */
export interface RetryBudgetSettings {
  /** Share (0–1) of the requests in flight that may be retrying at the same time… */
  readonly ratio: number
  /** …but never fewer than this many concurrent retries. */
  readonly minConcurrentRetries: number
}

export const DEFAULT_RETRY_BUDGET: RetryBudgetSettings = { ratio: 0.2, minConcurrentRetries: 3 }

/**
 * Keeps an outage from turning into a retry storm: retries (a second attempt, a move to another
 * deployment, a fallback model) may not exceed a share of the requests in flight. A request
 * counts from the start of its first attempt until its answer ends (a stream: its last event);
 * a retry from the moment it is granted (its backoff included) until its attempt ends. When the
 * budget is spent, the request fails with the error it has. Counters only; no clock.
 */
export class RetryBudget {
  readonly settings: RetryBudgetSettings
  #requests = 0
  #retries = 0
  #denied = 0

  constructor(settings: Partial<RetryBudgetSettings> = {}) {
    this.settings = { ...DEFAULT_RETRY_BUDGET, ...settings }
  }

  get requestsInFlight(): number {
    return this.#requests
  }

  get retriesInFlight(): number {
    return this.#retries
  }

  /** Retries refused since the pod started. */
  get deniedRetries(): number {
    return this.#denied
  }

  /** The most retries that may run at once with the current load. */
  limit(): number {
    return Math.max(this.settings.minConcurrentRetries, Math.floor(this.settings.ratio * this.#requests))
  }

  startRequest(): void {
    this.#requests += 1
  }

  endRequest(): void {
    this.#requests = Math.max(0, this.#requests - 1)
  }

  /** Takes a retry slot if the budget allows one; `releaseRetry` must follow. */
  tryAcquireRetry(): boolean {
    if (this.#retries >= this.limit()) {
      this.#denied += 1
      return false
    }
    this.#retries += 1
    return true
  }

  releaseRetry(): void {
    this.#retries = Math.max(0, this.#retries - 1)
  }
}
