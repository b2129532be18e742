/**
 * The pod's round-robin counters, one per model name (names are stable across snapshots, so
 * the rotation carries on after a swap). Counters wrap well before losing integer precision.
 */
export class RoundRobinTurns {
  readonly #turns = new Map<string, number>()

  /** This request's turn for the model; the next request gets the following one. */
  take(modelName: string): number {
    const turn = this.#turns.get(modelName) ?? 0
    this.#turns.set(modelName, (turn + 1) % 1_000_000_007)
    return turn
  }
}
