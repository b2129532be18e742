import { KeyOverlay, type PolicySnapshot } from '@switchyard/contracts'
import { type RuntimePolicy, withKeyOverlay } from '../policy/runtime-policy.ts'
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

/** The key overlay laid on the current policy snapshot. */
export interface AppliedOverlay {
  readonly revision: number
  readonly keyCount: number
  readonly checksum: string
  readonly appliedAtMs: number
  readonly applyMs: number
}

export interface LoadedSnapshot {
  /**
   * The policy snapshot (the base), without its keys: once compiled they live only in
   * `basePolicy`, and an overlay's only in `policy` (at 100,000 keys the parsed keys held about
   * 20 MB more). `keys` is always empty here.
   */
  readonly snapshot: PolicySnapshot
  /** What the request path reads: the snapshot compiled, with the overlay's keys laid on it. */
  readonly policy: RuntimePolicy
  /** The snapshot compiled without any overlay, which the next (cumulative) overlay is laid on. */
  readonly basePolicy: RuntimePolicy
  readonly overlay?: AppliedOverlay
  /** The overlay's revision when there is one, else the snapshot's. */
  readonly revision: number
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
  /** A key overlay for a policy snapshot this pod does not have yet: applied when it arrives. */
  | { readonly kind: 'held'; readonly revision: number; readonly baseRevision: number }
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
  /** An overlay that arrived before its base. */
  #heldOverlay: { readonly overlay: KeyOverlay; readonly message: SnapshotMessage } | undefined
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
    const held = this.#heldOverlay
    if (held !== undefined && held.overlay.baseRevision <= message.revision) {
      this.#heldOverlay = undefined
      if (held.overlay.baseRevision === message.revision) this.#layOverlay(held.overlay, held.message)
    }
    return { kind: 'applied', revision: message.revision }
  }

  /**
   * Lays a key overlay on the current policy snapshot, if it is the overlay's base and the
   * overlay is newer than the one applied. An overlay for a newer base is held until that base
   * arrives; one for an older base is stale. An invalid one is refused like a snapshot.
   */
  applyOverlay(message: SnapshotMessage): ApplyOutcome {
    let overlay: KeyOverlay
    try {
      const parsed = KeyOverlay.safeParse(JSON.parse(utf8.decode(message.body)))
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        return this.#refuse(
          message.revision,
          `key overlay ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
        )
      }
      overlay = parsed.data
    } catch {
      return this.#refuse(message.revision, 'key overlay is not UTF-8 JSON')
    }
    if (overlay.revision !== message.revision) {
      return this.#refuse(message.revision, `key overlay carries revision ${overlay.revision}`)
    }
    const current = this.#current
    const baseRevision = current?.snapshot.revision
    if (baseRevision === undefined || overlay.baseRevision > baseRevision) {
      this.#heldOverlay = { overlay, message }
      return { kind: 'held', revision: overlay.revision, baseRevision: overlay.baseRevision }
    }
    if (current === undefined || overlay.baseRevision < baseRevision || overlay.revision <= current.revision) {
      return { kind: 'stale', revision: overlay.revision, currentRevision: current?.revision ?? 0 }
    }
    return this.#layOverlay(overlay, message)
  }

  #layOverlay(overlay: KeyOverlay, message: SnapshotMessage): ApplyOutcome {
    const current = this.#current
    if (current === undefined) throw new Error('no snapshot to lay a key overlay on')
    const dangling = danglingReference(overlay, current.snapshot)
    if (dangling !== undefined) return this.#refuse(overlay.revision, `key overlay ${dangling}`)
    const started = performance.now()
    const policy = withKeyOverlay(current.basePolicy, current.snapshot, overlay.keys, overlay.revision)
    const nowMs = this.#now()
    this.#current = {
      ...current,
      policy,
      revision: overlay.revision,
      overlay: {
        revision: overlay.revision,
        keyCount: overlay.keys.length,
        checksum: message.checksum,
        appliedAtMs: nowMs,
        applyMs: performance.now() - started,
      },
    }
    return { kind: 'applied', revision: overlay.revision }
  }

  #refuse(revision: number, reason: string): Invalid {
    this.#lastRejected = { revision, reason, rejectedAtMs: this.#now() }
    return { kind: 'invalid', revision, reason }
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
      snapshot: { ...result.data, keys: [] },
      policy,
      basePolicy: policy,
      revision: result.data.revision,
      checksum: message.checksum,
      sizeBytes: message.body.byteLength,
      appliedAtMs: this.#now(),
      timings: { parseMs: parsed - started, validateMs: validated - parsed, compileMs: compiled - validated },
    }
  }
}

/** What the schema's reference check does for keys, against the base the overlay is laid on. */
function danglingReference(overlay: KeyOverlay, snapshot: PolicySnapshot): string | undefined {
  const orgIds = new Set(snapshot.orgs.map((org) => org.id))
  const teamIds = new Set(snapshot.teams.map((team) => team.id))
  const projectIds = new Set(snapshot.projects.map((project) => project.id))
  for (const [i, key] of overlay.keys.entries()) {
    if (!orgIds.has(key.orgId)) return `keys.${i}.orgId: unknown org id "${key.orgId}"`
    if (key.teamId !== null && !teamIds.has(key.teamId)) return `keys.${i}.teamId: unknown team id "${key.teamId}"`
    if (key.projectId !== null && !projectIds.has(key.projectId)) {
      return `keys.${i}.projectId: unknown project id "${key.projectId}"`
    }
  }
  return undefined
}
