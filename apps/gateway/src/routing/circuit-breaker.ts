import { OutcomeWindow } from './outcome-window.ts'

/** When a deployment is ejected and for how long; one set per pod. */
export interface BreakerSettings {
  /** Consecutive failures that eject a deployment. */
  readonly consecutiveFailures: number
  /** The error-rate rule: over the last `errorRateWindowMs`… */
  readonly errorRateWindowMs: number
  /** …with at least this many attempts… */
  readonly errorRateMinAttempts: number
  /** …a share of failures at or above this (0–1) ejects. */
  readonly errorRateThreshold: number
  /** First ejection; each re-ejection doubles it… */
  readonly baseEjectionMs: number
  /**
   * …up to this. A deployment that stayed closed this long starts again from the base; a probe
   * not reported back within it is presumed lost and its slot freed.
   */
  readonly maxEjectionMs: number
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = {
  consecutiveFailures: 5,
  errorRateWindowMs: 10_000,
  errorRateMinAttempts: 20,
  errorRateThreshold: 0.5,
  baseEjectionMs: 1_000,
  maxEjectionMs: 60_000,
}

const WINDOW_BUCKETS = 10

export type BreakerState = 'closed' | 'open' | 'half-open'

/**
 * Passive health of one deployment: closed → (failures) → open for an ejection time → half-open,
 * where one probe at a time may go → success closes, failure re-opens for twice as long (capped).
 * A 429 with Retry-After is not a failure: it sets a cool-down the router respects instead.
 * Pure state: every method takes the time; nothing here reads a clock.
 */
export class CircuitBreaker {
  readonly #settings: BreakerSettings
  readonly #window: OutcomeWindow
  #isOpen = false
  #openUntilMs = 0
  #probeStartedAtMs: number | null = null
  #consecutiveFailures = 0
  /** Ejections in a row, for the exponential ejection time. */
  #ejections = 0
  #closedAtMs = Number.NEGATIVE_INFINITY
  #totalEjections = 0
  #coolingUntilMs = 0

  constructor(settings: BreakerSettings) {
    this.#settings = settings
    this.#window = new OutcomeWindow(settings.errorRateWindowMs, WINDOW_BUCKETS)
  }

  state(nowMs: number): BreakerState {
    if (!this.#isOpen) return 'closed'
    return nowMs < this.#openUntilMs ? 'open' : 'half-open'
  }

  /** May a request be routed here now (closed and not cooling, or half-open with the probe slot free)? */
  isSelectable(nowMs: number): boolean {
    if (nowMs < this.#coolingUntilMs) return false
    const state = this.state(nowMs)
    return state === 'closed' || (state === 'half-open' && !this.#isProbeInFlight(nowMs))
  }

  /** When this deployment takes traffic again: the end of its ejection or cool-down, whichever is later. */
  availableAtMs(nowMs: number): number {
    const ejectedUntil = this.state(nowMs) === 'open' ? this.#openUntilMs : nowMs
    return Math.max(nowMs, ejectedUntil, this.#coolingUntilMs)
  }

  /** Ejections since the breaker was made (re-ejections after a failed probe included), for metrics. */
  get totalEjections(): number {
    return this.#totalEjections
  }

  /** The cool-down a 429's Retry-After set, or 0. */
  get coolingUntilMs(): number {
    return this.#coolingUntilMs
  }

  /** An attempt starts; true when it is the half-open probe (it must be reported back). */
  begin(nowMs: number): boolean {
    if (this.state(nowMs) !== 'half-open' || this.#isProbeInFlight(nowMs)) return false
    this.#probeStartedAtMs = nowMs
    return true
  }

  /** The deployment answered properly (client errors included: it is alive). */
  recordSuccess(isProbe: boolean, nowMs: number): void {
    if (isProbe) this.#probeStartedAtMs = null
    if (this.#isOpen) {
      // A probe, or a request sent while every deployment was ejected: either proves it works.
      this.#isOpen = false
      this.#closedAtMs = nowMs
      this.#consecutiveFailures = 0
      this.#window.clear()
      return
    }
    this.#consecutiveFailures = 0
    this.#window.record(nowMs, false)
  }

  recordFailure(isProbe: boolean, nowMs: number): void {
    if (isProbe) {
      this.#probeStartedAtMs = null
      this.#eject(nowMs)
      return
    }
    // Requests sent before the ejection, or while every deployment is ejected, change nothing.
    if (this.#isOpen) return
    this.#consecutiveFailures += 1
    this.#window.record(nowMs, true)
    if (this.#shouldTrip(nowMs)) this.#eject(nowMs)
  }

  /** The attempt ended without a verdict (the client left, a 429 with Retry-After): frees the probe slot. */
  recordNeutral(isProbe: boolean): void {
    if (isProbe) this.#probeStartedAtMs = null
  }

  /** A 429 with Retry-After: no traffic until then, but no failure either. */
  coolDownUntil(untilMs: number): void {
    this.#coolingUntilMs = Math.max(this.#coolingUntilMs, untilMs)
  }

  #isProbeInFlight(nowMs: number): boolean {
    return this.#probeStartedAtMs !== null && nowMs - this.#probeStartedAtMs < this.#settings.maxEjectionMs
  }

  #shouldTrip(nowMs: number): boolean {
    const settings = this.#settings
    if (this.#consecutiveFailures >= settings.consecutiveFailures) return true
    const { total, failures } = this.#window.counts(nowMs)
    return total >= settings.errorRateMinAttempts && failures >= settings.errorRateThreshold * total
  }

  #eject(nowMs: number): void {
    const settings = this.#settings
    // Closed and failure-free for a full maximum ejection: the next ejection starts from the base.
    if (!this.#isOpen && nowMs - this.#closedAtMs >= settings.maxEjectionMs) this.#ejections = 0
    this.#ejections += 1
    this.#totalEjections += 1
    const ejectionMs = Math.min(settings.maxEjectionMs, settings.baseEjectionMs * 2 ** (this.#ejections - 1))
    this.#isOpen = true
    this.#openUntilMs = nowMs + ejectionMs
    this.#consecutiveFailures = 0
    this.#window.clear()
  }
}
