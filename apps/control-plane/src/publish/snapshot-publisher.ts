import type { Logger } from '@switchyard/http-server'
import type { OverlayOutcome, PublishedSnapshot } from '../snapshot/publish-snapshot.ts'

/** What changed: only keys (a key overlay carries it), or anything else (a whole policy snapshot). */
export type ChangeKind = 'keys' | 'policy'

export interface SnapshotPublisherOptions {
  /** Compiles and publishes the whole current state under a new revision. */
  readonly publish: () => Promise<PublishedSnapshot>
  /** Publishes the keys changed since the latest policy snapshot, if it can. */
  readonly publishKeys: () => Promise<OverlayOutcome>
  readonly log: Logger
  /** Quiet time after a change before publishing, so a burst of writes becomes one snapshot. */
  readonly debounceMs?: number
  /** A steady stream of changes still publishes at least this often. */
  readonly maxDelayMs?: number
  /** First wait after a failed publish; doubles up to 30 s while it keeps failing. */
  readonly retryMs?: number
}

/**
 * Publishes after every committed change, debounced: changes within `debounceMs` of each other
 * share one publish, never delayed more than `maxDelayMs` past the first. A change to keys only
 * goes out as a small key overlay; anything else (or an overlay grown too big) as a whole policy
 * snapshot, followed by an overlay of whatever keys changed while it was read. At most one
 * publish runs at a time; a change during it schedules another, so the last change is always
 * published. A failed publish is retried with backoff until one succeeds.
 */
export class SnapshotPublisher {
  readonly #options: Required<Omit<SnapshotPublisherOptions, 'log' | 'publish'>> & SnapshotPublisherOptions
  #timer: NodeJS.Timeout | undefined
  #firstPendingAt: number | undefined
  #running: Promise<void> | undefined
  #isDirty = false
  #needsPolicy = false
  #failures = 0
  #last: PublishedSnapshot | undefined
  #idleWaiters: Array<() => void> = []
  #isStopped = false

  constructor(options: SnapshotPublisherOptions) {
    this.#options = { debounceMs: 25, maxDelayMs: 250, retryMs: 1_000, ...options }
  }

  /** The last snapshot this publisher published. */
  get last(): PublishedSnapshot | undefined {
    return this.#last
  }

  /** Records that state changed; a publish follows shortly. */
  schedule(kind: ChangeKind = 'policy'): void {
    if (this.#isStopped) return
    this.#isDirty = true
    if (kind === 'policy') this.#needsPolicy = true
    if (this.#running !== undefined) return
    const now = Date.now()
    this.#firstPendingAt ??= now
    const latest = this.#firstPendingAt + this.#options.maxDelayMs
    this.#arm(Math.max(0, Math.min(this.#options.debounceMs, latest - now)))
  }

  /** Publishes now whatever is pending, and resolves once nothing is. */
  async flush(): Promise<void> {
    if (this.#isDirty && this.#running === undefined) this.#arm(0)
    if (!this.#isDirty && this.#running === undefined) return
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve))
  }

  /** Stops scheduling; a publish in flight finishes. */
  async stop(): Promise<void> {
    this.#isStopped = true
    clearTimeout(this.#timer)
    await this.#running
  }

  #arm(delayMs: number): void {
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      this.#running = this.#run().finally(() => {
        this.#running = undefined
        if (this.#isDirty && !this.#isStopped) {
          const backoff = this.#failures === 0 ? 0 : Math.min(30_000, this.#options.retryMs * 2 ** (this.#failures - 1))
          this.#arm(backoff)
        } else {
          for (const resolve of this.#idleWaiters.splice(0)) resolve()
        }
      })
    }, delayMs)
  }

  async #run(): Promise<void> {
    const needsPolicy = this.#needsPolicy
    this.#isDirty = false
    this.#needsPolicy = false
    this.#firstPendingAt = undefined
    try {
      if (needsPolicy) await this.#publishPolicy()
      const outcome = await this.#options.publishKeys()
      if (outcome.kind === 'needs-policy') {
        this.#options.log.info({ reason: outcome.reason }, 'publishing a policy snapshot instead of a key overlay')
        await this.#publishPolicy()
        await this.#options.publishKeys()
      } else if (outcome.kind === 'published') {
        this.#last = { ...outcome.overlay }
        this.#options.log.info(outcome.overlay, 'key overlay published')
      }
      this.#failures = 0
    } catch (error) {
      this.#isDirty = true
      this.#needsPolicy ||= needsPolicy
      this.#failures += 1
      this.#options.log.error({ err: error, failures: this.#failures }, 'policy snapshot publish failed; retrying')
    }
  }

  async #publishPolicy(): Promise<void> {
    this.#last = await this.#options.publish()
    this.#options.log.info(this.#last, 'policy snapshot published')
  }
}
