import type { ConfigChange, ConfigSection } from '@switchyard/contracts'
import type { AuditEntry } from '../audit/record-audit.ts'

/** Which entry of the config file a row is, and whose it is (for the audit log). */
export interface ChangeTarget {
  readonly section: ConfigSection
  /** The entry's identity as a diff shows it: `acme/search` for a team. */
  readonly name: string
  /** Singular, as the audit log and the admin API name it: `team`, `jwt_issuer`. */
  readonly resourceType: string
  readonly resourceId: string
  readonly orgId: string | null
  readonly teamId: string | null
}

// Columns an audit entry never shows: a key's hash (keys are shown by prefix), a provider's
// encrypted credentials, and timestamps the audit row carries itself.
const HIDDEN_COLUMNS: ReadonlySet<string> = new Set(['keyHash', 'credentials', 'createdAt', 'updatedAt'])

/** A row as the audit log may show it: no hash, no credentials envelope. */
export function auditView(row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([column]) => !HIDDEN_COLUMNS.has(column)))
}

/**
 * What one apply did, entry by entry: the diff it reports and the audit entries it records, kept
 * in step so that every change has exactly one audit row.
 */
export class ChangeLog {
  readonly changes: ConfigChange[] = []
  readonly audit: AuditEntry[] = []

  created(target: ChangeTarget, after: Readonly<Record<string, unknown>>): void {
    this.#add(target, { action: 'create', section: target.section, name: target.name }, null, auditView(after))
  }

  updated(
    target: ChangeTarget,
    fields: readonly string[],
    before: Readonly<Record<string, unknown>>,
    after: Readonly<Record<string, unknown>>,
  ): void {
    const change = { action: 'update' as const, section: target.section, name: target.name, fields: [...fields] }
    this.#add(target, change, auditView(before), auditView(after))
  }

  deleted(target: ChangeTarget, before: Readonly<Record<string, unknown>>): void {
    this.#add(target, { action: 'delete', section: target.section, name: target.name }, auditView(before), null)
  }

  #add(target: ChangeTarget, change: ConfigChange, before: unknown, after: unknown): void {
    this.changes.push(change)
    this.audit.push({
      action: change.action,
      resourceType: target.resourceType,
      resourceId: target.resourceId,
      orgId: target.orgId,
      teamId: target.teamId,
      before,
      after,
    })
  }
}
