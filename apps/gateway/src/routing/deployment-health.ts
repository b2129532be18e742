import { type BreakerSettings, CircuitBreaker, DEFAULT_BREAKER_SETTINGS } from './circuit-breaker.ts'

/** Weight of the newest sample in the time-to-first-byte average. */
const LATENCY_EWMA_ALPHA = 0.3

/** The average after one more sample; the first sample is taken as it is. */
export function nextEwma(previous: number | null, sample: number, alpha = LATENCY_EWMA_ALPHA): number {
  return previous === null ? sample : previous + alpha * (sample - previous)
}

/**
 * What this pod knows about one deployment: its breaker, the attempts it is serving right now,
 * and the moving average of its time to first byte (first event for streams).
 */
export class DeploymentHealth {
  readonly breaker: CircuitBreaker
  #inFlight = 0
  #latencyEwmaMs: number | null = null

  constructor(settings: BreakerSettings) {
    this.breaker = new CircuitBreaker(settings)
  }

  get inFlight(): number {
    return this.#inFlight
  }

  /** Null until the first answer. */
  get latencyEwmaMs(): number | null {
    return this.#latencyEwmaMs
  }

  /** An attempt starts; true when it is the breaker's half-open probe. */
  begin(nowMs: number): boolean {
    this.#inFlight += 1
    return this.breaker.begin(nowMs)
  }

  /** The attempt no longer occupies the deployment (failed, finished, or its stream ended). */
  end(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1)
  }

  recordFirstByte(latencyMs: number): void {
    this.#latencyEwmaMs = nextEwma(this.#latencyEwmaMs, latencyMs)
  }
}

/**
 * The pod's deployment health, keyed by deployment id so it survives snapshot swaps (a new
 * revision compiles new objects for the same deployments). Entries appear on first use;
 * `retain` drops the ones a new snapshot no longer has.
 */
export class DeploymentHealthRegistry {
  readonly settings: BreakerSettings
  readonly #byId = new Map<string, DeploymentHealth>()

  constructor(settings: Partial<BreakerSettings> = {}) {
    this.settings = { ...DEFAULT_BREAKER_SETTINGS, ...settings }
  }

  get(deploymentId: string): DeploymentHealth {
    let health = this.#byId.get(deploymentId)
    if (!health) {
      health = new DeploymentHealth(this.settings)
      this.#byId.set(deploymentId, health)
    }
    return health
  }

  /** Forgets deployments that are not in `deploymentIds` (call after a snapshot is applied). */
  retain(deploymentIds: ReadonlySet<string>): void {
    for (const id of this.#byId.keys()) if (!deploymentIds.has(id)) this.#byId.delete(id)
  }

  get size(): number {
    return this.#byId.size
  }

  /** The deployments seen so far, by id (for metrics at scrape time). */
  entries(): IterableIterator<[string, DeploymentHealth]> {
    return this.#byId.entries()
  }
}
