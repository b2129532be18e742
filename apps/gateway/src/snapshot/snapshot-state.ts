import { PolicySnapshot } from '@switchyard/contracts'
import type { RuntimePolicy } from '../policy/runtime-policy.ts'

/** What the bus hands over: integrity-checked bytes, not yet parsed. */
export interface SnapshotMessage {
  readonly revision: number
  readonly checksum: string
  readonly body: Uint8Array
}

export interface LoadedSnapshot {
  readonly snapshot: PolicySnapshot
  /** The snapshot compiled for the request path. */
  readonly policy: RuntimePolicy
  readonly checksum: string
  readonly appliedAtMs: number
}

export type ApplyOutcome =
  | { readonly kind: 'applied'; readonly revision: number }
  | { readonly kind: 'stale'; readonly revision: number; readonly currentRevision: number }
  | { readonly kind: 'invalid'; readonly revision: number; readonly reason: string }

/**
 * The pod's current policy. A new snapshot replaces the old one by swapping one reference, so
 * a request that already took `current` keeps the snapshot it started with. A snapshot that
 * fails to parse, or is not newer than the current one, is refused and the current one stays.
 */
export class SnapshotState {
  #current: LoadedSnapshot | undefined
  readonly #compile: (snapshot: PolicySnapshot) => RuntimePolicy
  readonly #now: () => number

  constructor(compile: (snapshot: PolicySnapshot) => RuntimePolicy, now: () => number = Date.now) {
    this.#compile = compile
    this.#now = now
  }

  get current(): LoadedSnapshot | undefined {
    return this.#current
  }

  apply(message: SnapshotMessage): ApplyOutcome {
    const currentRevision = this.#current?.snapshot.revision
    if (currentRevision !== undefined && message.revision <= currentRevision) {
      return { kind: 'stale', revision: message.revision, currentRevision }
    }
    let json: unknown
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(message.body))
    } catch {
      return { kind: 'invalid', revision: message.revision, reason: 'body is not UTF-8 JSON' }
    }
    const parsed = PolicySnapshot.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      return {
        kind: 'invalid',
        revision: message.revision,
        reason: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
      }
    }
    if (parsed.data.revision !== message.revision) {
      return { kind: 'invalid', revision: message.revision, reason: `body carries revision ${parsed.data.revision}` }
    }
    let policy: RuntimePolicy
    try {
      policy = this.#compile(parsed.data)
    } catch (error) {
      return {
        kind: 'invalid',
        revision: message.revision,
        reason: error instanceof Error ? error.message : 'compile failed',
      }
    }
    this.#current = { snapshot: parsed.data, policy, checksum: message.checksum, appliedAtMs: this.#now() }
    return { kind: 'applied', revision: message.revision }
  }
}
