import type { PolicySnapshot } from '@switchyard/contracts'
import type { RuntimePolicy } from '../policy/runtime-policy.ts'
import { validateSnapshot } from './validate-snapshot.ts'

/** What the bus hands over: integrity-checked bytes, not yet parsed. */
export interface SnapshotMessage {
  readonly revision: number
  readonly checksum: string
  readonly body: Uint8Array
}

/** Where applying a snapshot spent its time, in milliseconds (logged, and measured by the scale bench). */
export interface ApplyTimings {
  /** UTF-8 decoding and `JSON.parse` of the body. */
  readonly parseMs: number
  /** The `PolicySnapshot` schema, references included (keys by `validateSnapshot`'s fast path). */
  readonly validateMs: number
  /** Building the runtime form (key map, routes, decrypted credentials). */
  readonly compileMs: number
}

export interface LoadedSnapshot {
  readonly snapshot: PolicySnapshot
  /** The snapshot compiled for the request path. */
  readonly policy: RuntimePolicy
  readonly checksum: string
  readonly sizeBytes: number
  readonly appliedAtMs: number
  readonly timings: ApplyTimings
}

/** The last snapshot this pod refused: it kept serving the one it had. */
export interface RejectedSnapshot {
  readonly revision: number
  readonly reason: string
  readonly rejectedAtMs: number
}

export type ApplyOutcome =
  | { readonly kind: 'applied'; readonly revision: number }
  | { readonly kind: 'stale'; readonly revision: number; readonly currentRevision: number }
  | { readonly kind: 'invalid'; readonly revision: number; readonly reason: string }

type Invalid = Extract<ApplyOutcome, { kind: 'invalid' }>

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * The pod's current policy. A new snapshot replaces the old one by swapping one reference, so
 * a request that already took `current` keeps the snapshot it started with. A snapshot that
 * fails to parse, or is not newer than the current one, is refused and the current one stays;
 * the last refusal is remembered for `/readyz`.
 */
export class SnapshotState {
  #current: LoadedSnapshot | undefined
  #lastRejected: RejectedSnapshot | undefined
  readonly #compile: (snapshot: PolicySnapshot) => RuntimePolicy
  readonly #now: () => number

  constructor(compile: (snapshot: PolicySnapshot) => RuntimePolicy, now: () => number = Date.now) {
    this.#compile = compile
    this.#now = now
  }

  get current(): LoadedSnapshot | undefined {
    return this.#current
  }

  /** The last snapshot refused as invalid (not JSON, schema, revision or compile), if any. */
  get lastRejected(): RejectedSnapshot | undefined {
    return this.#lastRejected
  }

  apply(message: SnapshotMessage): ApplyOutcome {
    const currentRevision = this.#current?.snapshot.revision
    if (currentRevision !== undefined && message.revision <= currentRevision) {
      return { kind: 'stale', revision: message.revision, currentRevision }
    }
    const outcome = this.#load(message)
    if ('kind' in outcome) {
      this.#lastRejected = { revision: outcome.revision, reason: outcome.reason, rejectedAtMs: this.#now() }
      return outcome
    }
    this.#current = outcome
    return { kind: 'applied', revision: message.revision }
  }

  #load(message: SnapshotMessage): LoadedSnapshot | Invalid {
    const invalid = (reason: string): Invalid => ({ kind: 'invalid', revision: message.revision, reason })
    const started = performance.now()
    let json: unknown
    try {
      json = JSON.parse(utf8.decode(message.body))
    } catch {
      return invalid('body is not UTF-8 JSON')
    }
    const parsed = performance.now()
    const result = validateSnapshot(json)
    if (!result.success) return invalid(result.reason)
    if (result.data.revision !== message.revision) return invalid(`body carries revision ${result.data.revision}`)
    const validated = performance.now()
    let policy: RuntimePolicy
    try {
      policy = this.#compile(result.data)
    } catch (error) {
      return invalid(error instanceof Error ? error.message : 'compile failed')
    }
    const compiled = performance.now()
    return {
      snapshot: result.data,
      policy,
      checksum: message.checksum,
      sizeBytes: message.body.byteLength,
      appliedAtMs: this.#now(),
      timings: { parseMs: parsed - started, validateMs: validated - parsed, compileMs: compiled - validated },
    }
  }
}
