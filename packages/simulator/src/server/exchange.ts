import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * One request/response pair and the timer that paces it. When the client goes away the timer
 * is cleared and nothing more is written.
 */
export class Exchange {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly startedAtMs: number
  #timer: NodeJS.Timeout | undefined
  #isClosed = false
  #isWatching = false

  constructor(req: IncomingMessage, res: ServerResponse) {
    this.req = req
    this.res = res
    this.startedAtMs = Date.now()
  }

  get isClosed(): boolean {
    return this.#isClosed || this.res.destroyed
  }

  /** Runs `step` after `delayMs` unless the client disconnects first. */
  after(delayMs: number, step: () => void): void {
    this.#watchClose()
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      if (!this.isClosed) step()
    }, delayMs)
  }

  #watchClose(): void {
    if (this.#isWatching) return
    this.#isWatching = true
    this.res.once('close', () => {
      this.#isClosed = true
      if (this.#timer !== undefined) clearTimeout(this.#timer)
      this.#timer = undefined
    })
  }
}
