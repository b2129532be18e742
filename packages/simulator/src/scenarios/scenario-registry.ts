import { Scenario, type ScenarioInput } from './scenario.ts'

/**
 * Scenarios by key (the model, deployment or model id of a request), and how many requests
 * each key has seen since its `failFirstN` scenario was set.
 */
export class ScenarioRegistry {
  readonly #scenarios = new Map<string, Scenario>()
  readonly #attempts = new Map<string, number>()

  /** Validates and stores a scenario; restarts the key's `failFirstN` count. Throws on a bad one. */
  set(key: string, scenario: ScenarioInput): Scenario {
    const parsed = Scenario.parse(scenario)
    this.#scenarios.set(key, parsed)
    this.#attempts.delete(key)
    return parsed
  }

  get(key: string): Scenario | undefined {
    return this.#scenarios.size === 0 ? undefined : this.#scenarios.get(key)
  }

  delete(key: string): boolean {
    this.#attempts.delete(key)
    return this.#scenarios.delete(key)
  }

  /** Forgets every scenario and every count. */
  clear(): void {
    this.#scenarios.clear()
    this.#attempts.clear()
  }

  entries(): Record<string, Scenario> {
    return Object.fromEntries(this.#scenarios)
  }

  /** Counts one more request for the key and returns its 1-based number. */
  recordAttempt(key: string): number {
    const attempt = (this.#attempts.get(key) ?? 0) + 1
    this.#attempts.set(key, attempt)
    return attempt
  }
}
