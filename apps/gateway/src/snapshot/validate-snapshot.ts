import { KEY_SCOPES, PolicySnapshot, SnapshotKey } from '@switchyard/contracts'
import { z } from 'zod'

export type SnapshotValidation =
  | { readonly success: true; readonly data: PolicySnapshot }
  | { readonly success: false; readonly reason: string }

/**
 * `PolicySnapshot.safeParse` with the same verdict, made cheap for the one section that grows:
 * keys. The schema costs about 8 µs per key (zod builds a new object per key, then the garbage
 * collector frees it), most of a pod's apply time at 100,000 keys. So each key gets a
 * hand-written check that accepts only what `SnapshotKey` accepts, the rest of the snapshot
 * goes through the schema with only the keys a budget or rate limit names (so those references
 * are checked by the schema), and the key references are checked here as the schema does.
 * Anything this path does not accept is handed to the full schema, which decides and names the
 * problem: this path can only be slower than the schema, never more lenient. Keys come out as
 * parsed, which is what the schema returns for them (it has no defaults or transforms there).
 */
export function validateSnapshot(json: unknown): SnapshotValidation {
  return validateWithKeyFastPath(json) ?? validateWithSchema(json)
}

export function validateWithSchema(json: unknown): SnapshotValidation {
  const parsed = PolicySnapshot.safeParse(json)
  if (parsed.success) return { success: true, data: parsed.data }
  const issue = parsed.error.issues[0]
  return { success: false, reason: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` }
}

/** The fields `isValidKey` knows; if the contract's key differs, every snapshot takes the schema. */
const KNOWN_KEY_FIELDS = [
  'allowedModels',
  'environment',
  'expiresAt',
  'hash',
  'id',
  'name',
  'orgId',
  'prefix',
  'projectId',
  'scopes',
  'status',
  'tags',
  'teamId',
  'userId',
] as const
export const isKeyFastPathUsable =
  JSON.stringify(Object.keys(SnapshotKey.shape).sort()) === JSON.stringify(KNOWN_KEY_FIELDS)

/** Null: not accepted here (the schema decides). Exported for its test. */
export function validateWithKeyFastPath(json: unknown): SnapshotValidation | null {
  if (!isKeyFastPathUsable || !isPlainObject(json) || !Array.isArray(json.keys)) return null
  const keys: unknown[] = json.keys
  for (const key of keys) if (!isValidKey(key)) return null
  const namedKeyIds = keyIdsNamedByScopes(json)
  const rest = PolicySnapshot.safeParse({
    ...json,
    keys: keys.filter((key) => namedKeyIds.has((key as { id: string }).id)),
  })
  if (!rest.success) return null
  const snapshot = rest.data
  if (!hasValidKeyReferences(keys as SnapshotKey[], snapshot)) return null
  return { success: true, data: { ...snapshot, keys: keys as SnapshotKey[] } }
}

function keyIdsNamedByScopes(json: Record<string, unknown>): Set<string> {
  const ids = new Set<string>()
  for (const section of [json.budgets, json.rateLimits]) {
    if (!Array.isArray(section)) continue
    for (const entry of section) {
      const scope: unknown = isPlainObject(entry) ? entry.scope : undefined
      if (isPlainObject(scope) && scope.kind === 'key' && typeof scope.id === 'string') ids.add(scope.id)
    }
  }
  return ids
}

/** What the schema's reference check does for keys: unique ids, and orgs, teams, projects that exist. */
function hasValidKeyReferences(keys: readonly SnapshotKey[], snapshot: PolicySnapshot): boolean {
  const orgIds = new Set(snapshot.orgs.map((org) => org.id))
  const teamIds = new Set(snapshot.teams.map((team) => team.id))
  const projectIds = new Set(snapshot.projects.map((project) => project.id))
  const keyIds = new Set<string>()
  for (const key of keys) {
    if (keyIds.has(key.id) || !orgIds.has(key.orgId)) return false
    if (key.teamId !== null && !teamIds.has(key.teamId)) return false
    if (key.projectId !== null && !projectIds.has(key.projectId)) return false
    keyIds.add(key.id)
  }
  return true
}

// The contract's patterns (entity-name.ts, scope.ts, snapshot-tenancy.ts), repeated here; the
// test checks this path against the schema on the edges of each.
const ENTITY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$/
const TAG_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}$/
const KEY_HASH = /^[0-9a-f]{64}$/
const ExpiresAt = z.iso.datetime({ offset: true })
const KEY_FIELD_COUNT = KNOWN_KEY_FIELDS.length

function isValidKey(value: unknown): boolean {
  if (!isPlainObject(value) || Object.keys(value).length !== KEY_FIELD_COUNT) return false
  const key = value as Record<(typeof KNOWN_KEY_FIELDS)[number], unknown>
  return (
    isStringOfLength(key.id, 1, 128) &&
    typeof key.name === 'string' &&
    ENTITY_NAME.test(key.name) &&
    typeof key.hash === 'string' &&
    KEY_HASH.test(key.hash) &&
    isStringOfLength(key.prefix, 4, 32) &&
    isStringOfLength(key.orgId, 1, 128) &&
    (key.teamId === null || isStringOfLength(key.teamId, 1, 128)) &&
    (key.projectId === null || isStringOfLength(key.projectId, 1, 128)) &&
    (key.environment === null || isStringOfLength(key.environment, 1, 64)) &&
    (key.userId === null || isStringOfLength(key.userId, 1, 256)) &&
    isValidTags(key.tags) &&
    (key.allowedModels === null || isModelNameList(key.allowedModels)) &&
    (key.scopes === null || isKeyScopeList(key.scopes)) &&
    (key.expiresAt === null || (typeof key.expiresAt === 'string' && ExpiresAt.safeParse(key.expiresAt).success)) &&
    (key.status === 'active' || key.status === 'revoked' || key.status === 'blocked')
  )
}

function isValidTags(value: unknown): boolean {
  if (!isPlainObject(value)) return false
  for (const name in value) {
    const tag = value[name]
    if (!TAG_NAME.test(name) || typeof tag !== 'string' || tag.length > 256) return false
  }
  return true
}

function isModelNameList(value: unknown): boolean {
  if (!Array.isArray(value)) return false
  for (const name of value) if (typeof name !== 'string' || !MODEL_NAME.test(name)) return false
  return true
}

const KEY_SCOPE_SET: ReadonlySet<unknown> = new Set(KEY_SCOPES)

function isKeyScopeList(value: unknown): boolean {
  return Array.isArray(value) && value.every((scope) => KEY_SCOPE_SET.has(scope))
}

function isStringOfLength(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max
}

/** What JSON.parse makes of `{…}`: nothing else is accepted here. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
}
