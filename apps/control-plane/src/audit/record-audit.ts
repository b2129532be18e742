import { auditLog, type Database } from '@switchyard/db'

/** Who made a change. `name` is what the audit log shows: an email, a subject, or `bootstrap`. */
export interface Actor {
  readonly kind: 'user' | 'bootstrap' | 'system'
  /** The user's id; null for the bootstrap token and the system. */
  readonly id: string | null
  readonly name: string
}

/** The control plane acting on its own, e.g. applying the config file it was started with. */
export const SYSTEM_ACTOR: Actor = { kind: 'system', id: null, name: 'control-plane' }

/**
 * One change to one resource. `before` and `after` must already be safe to show: the resource
 * as the admin API shows it (credentials masked, keys by prefix), or its config-file entry (which
 * names environment variables, never values). Null before: created; null after: deleted.
 */
export interface AuditEntry {
  readonly action: string
  readonly resourceType: string
  readonly resourceId: string
  readonly orgId: string | null
  readonly teamId: string | null
  readonly before: unknown
  readonly after: unknown
}

/**
 * Appends entries to the audit log in the caller's transaction, so a change and its record
 * commit or roll back together. Writes nothing for an empty list: an apply that changes nothing
 * leaves no trace.
 */
export async function recordAudit(
  tx: Database,
  actor: Actor,
  entries: readonly AuditEntry[],
  requestId: string | null = null,
): Promise<void> {
  if (entries.length === 0) return
  await tx.insert(auditLog).values(
    entries.map((entry) => ({
      actorKind: actor.kind,
      actorId: actor.id,
      actorName: actor.name,
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId,
      orgId: entry.orgId,
      teamId: entry.teamId,
      before: entry.before ?? null,
      after: entry.after ?? null,
      requestId,
    })),
  )
}
