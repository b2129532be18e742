import type { ConfigIssue, ResolvedEnvRefs } from '@switchyard/config'
import type { ConfigKey } from '@switchyard/contracts'
import { apiKeys, type Database } from '@switchyard/db'
import { displayPrefix, hashApiKey } from '@switchyard/secrets'
import type { TenancyIds } from './apply-tenancy.ts'
import type { ApplyWarning } from './apply-warning.ts'
import type { ChangeLog } from './change-log.ts'
import { idOf, newEntityId } from './row-change.ts'
import { type FieldsOf, writeEntry } from './write-entry.ts'

/**
 * Shortest key a config may seed. The stored display prefix is the first 12 characters, so a
 * key must be long enough that what stays secret is still hard to guess.
 */
export const MIN_SEEDED_KEY_LENGTH = 24

export interface KeyToApply {
  readonly config: ConfigKey
  /** Where it is in the file, for warnings. */
  readonly path: string
  /** Null when the key's variable is unset: an existing key keeps its value, a new one is skipped. */
  readonly secret: { readonly hash: string; readonly prefix: string } | null
}

export interface KeyPlan {
  readonly keys: readonly KeyToApply[]
  /** Problems that stop the apply; they name variables and keys, never a key's value. */
  readonly issues: readonly ConfigIssue[]
}

/** Reads each key from the environment and keeps only its keyed hash and display prefix. Pure. */
export function planKeys(keys: readonly ConfigKey[], env: ResolvedEnvRefs, pepper: Buffer): KeyPlan {
  const planned: KeyToApply[] = []
  const issues: ConfigIssue[] = []
  const byHash = new Map<string, string>()
  for (const [index, config] of keys.entries()) {
    const path = `keys[${index}].secret`
    if (env.missing.some((use) => use.path === path)) {
      planned.push({ config, path, secret: null })
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
    planned.push({ config, path, secret: { hash, prefix: displayPrefix(value) } })
  }
  return { keys: planned, issues }
}

const KEY_FIELDS: Readonly<Record<string, string>> = {
  keyHash: 'secret',
  prefix: 'secret',
  secretEnv: 'secret',
  orgId: 'team',
  teamId: 'team',
  projectId: 'project',
  userId: 'user',
  ownerId: 'owner',
}
const fieldsOf: FieldsOf = (column) => [KEY_FIELDS[column] ?? column]

/**
 * Upserts keys by (org, name) and returns their ids by name. A key whose value changed keeps its
 * id and gets the new hash, so the old value stops working. A key whose variable is unset keeps
 * the value it has (its other fields are still applied); a new one is skipped with a warning.
 * The status is the admins' to change: an apply never revives a revoked or blocked key.
 */
export async function applyKeys(
  tx: Database,
  log: ChangeLog,
  entries: readonly KeyToApply[],
  refs: { readonly tenancy: TenancyIds; readonly userIds: ReadonlyMap<string, string> },
): Promise<{ ids: ReadonlyMap<string, string>; warnings: ApplyWarning[] }> {
  const { tenancy, userIds } = refs
  const rows = await tx.select().from(apiKeys)
  const current = new Map(rows.map((row) => [JSON.stringify([row.orgId, row.name]), row]))
  const ownerByHash = new Map(rows.map((row) => [row.keyHash, row]))
  const ids = new Map<string, string>()
  const warnings: ApplyWarning[] = []
  for (const { config, path, secret } of entries) {
    const orgId = idOf(tenancy.teamOrgIds, config.team, `key ${config.name} names team`)
    const row = current.get(JSON.stringify([orgId, config.name]))
    const variable = `environment variable ${config.secret.env} is not set`
    if (secret === null && row === undefined) {
      warnings.push({ path, message: `key ${config.name} skipped: ${variable}` })
      continue
    }
    if (secret === null) warnings.push({ path, message: `key ${config.name} keeps its current value: ${variable}` })
    const owner = secret === null ? undefined : ownerByHash.get(secret.hash)
    if (owner !== undefined && owner.id !== row?.id) {
      throw new Error(`key ${config.name} has the same value as the existing key ${owner.name}; give it its own value`)
    }
    const id = row?.id ?? newEntityId('key')
    const teamId = idOf(tenancy.teamIds, config.team, `key ${config.name} names team`)
    await writeEntry(tx, log, {
      table: apiKeys,
      target: {
        section: 'keys',
        name: `${orgNameOf(tenancy, orgId)}/${config.name}`,
        resourceType: 'key',
        resourceId: id,
        orgId,
        teamId,
      },
      current: row,
      values: {
        name: config.name,
        ...(secret === null ? {} : { keyHash: secret.hash, prefix: secret.prefix }),
        secretEnv: config.secret.env,
        orgId,
        teamId,
        projectId:
          config.project === undefined
            ? null
            : idOf(tenancy.projectIds, config.project, `key ${config.name} names project`),
        environment: config.environment ?? null,
        userId: config.user ?? null,
        tags: config.tags,
        allowedModels: config.allowedModels ?? null,
        scopes: config.scopes ?? null,
        ownerId: config.owner === undefined ? null : idOf(userIds, config.owner, `key ${config.name} names owner`),
        expiresAt: config.expiresAt === undefined ? null : new Date(config.expiresAt),
      },
      fieldsOf,
    })
    ids.set(config.name, id)
  }
  return { ids, warnings }
}

function orgNameOf(tenancy: TenancyIds, orgId: string): string {
  for (const [name, id] of tenancy.orgIds) if (id === orgId) return name
  return orgId
}
