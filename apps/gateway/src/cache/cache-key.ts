import { createHash } from 'node:crypto'
import type { CacheScope, ChatCompletionRequest } from '@switchyard/contracts'
import type { RuntimeKey } from '../policy/runtime-policy.ts'

/**
 * Request fields that never change the answer: how it is delivered (`stream`, `stream_options`),
 * who asked (`user`, `safety_identifier`), what to store or tag it with (`store`, `metadata`,
 * `prompt_cache_key`, `service_tier`). `model` is replaced by the model's id, so a renamed model
 * keeps its entries and two names never share one.
 */
const IGNORED_FIELDS: ReadonlySet<string> = new Set([
  'model',
  'stream',
  'stream_options',
  'user',
  'metadata',
  'store',
  'service_tier',
  'prompt_cache_key',
  'safety_identifier',
])

/**
 * JSON with object keys sorted at every depth and `undefined` members left out, so two requests
 * that differ only in key order or in absent-versus-undefined fields serialise the same. Array
 * order is kept: it means something (messages, stop sequences, tools).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`
  const members: string[] = []
  for (const name of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[name]
    if (member === undefined) continue
    members.push(`${JSON.stringify(name)}:${canonicalJson(member)}`)
  }
  return `{${members.join(',')}}`
}

/** The fields of a chat request that decide its answer; a top-level null means "the default", as absent does. */
export function answerFields(request: ChatCompletionRequest): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(request)) {
    if (IGNORED_FIELDS.has(name) || value === null || value === undefined) continue
    fields[name] = value
  }
  return fields
}

/**
 * Who may share a cached answer, as an id that names the org too. A key without a team keeps
 * its own entries under `team` scope. A JWT caller's "key" is its issuer, so under `key` scope
 * its entries are its user's (the issuer's only when the token names no user).
 */
export function cacheScopeId(scope: CacheScope, key: RuntimeKey): string {
  const org = `org:${key.orgId}`
  if (scope === 'org') return org
  if (scope === 'team' && key.teamId !== null) return `${org}/team:${key.teamId}`
  const caller = key.jwt !== undefined && key.userId !== null ? `${key.id}/user:${key.userId}` : `key:${key.id}`
  return `${org}/${caller}`
}

/**
 * The cache key of a chat request: SHA-256 of the endpoint family, the model id, the scope id
 * and the canonical answer fields. Streamed and whole requests for the same answer get the same
 * key. The digest keeps keys small (the request itself may be megabytes).
 */
export function chatCacheKey(request: ChatCompletionRequest, modelId: string, scopeId: string): string {
  return createHash('sha256')
    .update('chat\n')
    .update(`${modelId}\n`)
    .update(`${scopeId}\n`)
    .update(canonicalJson(answerFields(request)))
    .digest('base64url')
}
