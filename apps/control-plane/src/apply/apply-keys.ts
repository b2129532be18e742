import type { ConfigIssue, ResolvedEnvRefs } from '@switchyard/config'
import type { ConfigKey } from '@switchyard/contracts'
import { apiKeys, type Database } from '@switchyard/db'
import { displayPrefix, hashApiKey } from '@switchyard/secrets'
import { eq, sql } from 'drizzle-orm'
import type { TenancyIds } from './apply-tenancy.ts'
import type { ApplyWarning } from './apply-warning.ts'
import { changeOf, countChanges, idOf, newEntityId, type RowChange, type SectionChanges } from './row-change.ts'

/**
 * Shortest key a config may seed. The stored display prefix is the first 12 characters, so a
 * key must be long enough that what stays secret is still hard to guess.
 */
export const MIN_SEEDED_KEY_LENGTH = 24

export interface KeyToApply {
  readonly config: ConfigKey
  readonly hash: string
  readonly prefix: string
}

export interface KeyPlan {
  readonly keys: readonly KeyToApply[]
  /** Keys skipped because their variable is unset. */
  readonly warnings: readonly ApplyWarning[]
  /** Problems that stop the apply; they name variables and keys, never a key's value. */
  readonly issues: readonly ConfigIssue[]
}

/** Reads each key from the environment and keeps only its keyed hash and display prefix. Pure. */
export function planKeys(keys: readonly ConfigKey[], env: ResolvedEnvRefs, pepper: Buffer): KeyPlan {
  const planned: KeyToApply[] = []
  const warnings: ApplyWarning[] = []
  const issues: ConfigIssue[] = []
  const byHash = new Map<string, string>()
  for (const [index, config] of keys.entries()) {
    const path = `keys[${index}].secret`
    if (env.missing.some((use) => use.path === path)) {
      const message = `key ${config.name} skipped: environment variable ${config.secret.env} is not set`
      warnings.push({ path, message })
      continue
    }
    const value = env.secret(config.secret)
    if (value.length < MIN_SEEDED_KEY_LENGTH) {
      const message = `environment variable ${config.secret.env} must hold a key of at least ${MIN_SEEDED_KEY_LENGTH} characters`
      issues.push({ path, message })
      continue
    }
    const hash = hashApiKey(pepper, value)
    const twin = byHash.get(hash)
    if (twin !== undefined) issues.push({ path, message: `key ${config.name} has the same value as key ${twin}` })
    byHash.set(hash, config.name)
    planned.push({ config, hash, prefix: displayPrefix(value) })
  }
  return { keys: planned, warnings, issues }
}

/**
 * Upserts keys by (org, name). A key whose value changed keeps its id and gets the new hash, so
 * the old value stops working. The status is the admins' to change: an apply never revives a
 * revoked or blocked key.
 */
export async function applyKeys(
  tx: Database,
  entries: readonly KeyToApply[],
  tenancy: TenancyIds,
): Promise<SectionChanges> {
  const rows = await tx.select().from(apiKeys)
  const current = new Map(rows.map((row) => [JSON.stringify([row.orgId, row.name]), row]))
  const ownerByHash = new Map(rows.map((row) => [row.keyHash, row]))
  const changes: RowChange[] = []
  for (const { config, hash, prefix } of entries) {
    const orgId = idOf(tenancy.teamOrgIds, config.team, `key ${config.name} names team`)
    const row = current.get(JSON.stringify([orgId, config.name]))
    const owner = ownerByHash.get(hash)
    if (owner !== undefined && owner.id !== row?.id) {
      throw new Error(`key ${config.name} has the same value as the existing key ${owner.name}; give it its own value`)
    }
    const id = row?.id ?? newEntityId('key')
    const values = {
      name: config.name,
      keyHash: hash,
      prefix,
      orgId,
      teamId: idOf(tenancy.teamIds, config.team, `key ${config.name} names team`),
      projectId:
        config.project === undefined
          ? null
          : idOf(tenancy.projectIds, config.project, `key ${config.name} names project`),
      environment: config.environment ?? null,
      userId: config.user ?? null,
      tags: config.tags,
      allowedModels: config.allowedModels ?? null,
      expiresAt: config.expiresAt === undefined ? null : new Date(config.expiresAt),
    }
    const change = changeOf(row, values)
    if (change === 'created') await tx.insert(apiKeys).values({ id, ...values })
    if (change === 'updated')
      await tx
        .update(apiKeys)
        .set({ ...values, updatedAt: sql`now()` })
        .where(eq(apiKeys.id, id))
    changes.push(change)
  }
  return countChanges(changes)
}
