import { z } from 'zod'
import { EntityName, ModelName } from './entity-name.ts'
import { Tags } from './scope.ts'
import { SnapshotId } from './snapshot-id.ts'

/** Allow-lists hold model names, since they are matched against the `model` a client sends; null allows all. */
const AllowedModels = z.array(ModelName).nullable()

export const SnapshotOrg = z.strictObject({ id: SnapshotId, name: EntityName })
export type SnapshotOrg = z.infer<typeof SnapshotOrg>

export const SnapshotTeam = z.strictObject({
  id: SnapshotId,
  orgId: SnapshotId,
  name: EntityName,
  allowedModels: AllowedModels,
})
export type SnapshotTeam = z.infer<typeof SnapshotTeam>

export const SnapshotProject = z.strictObject({ id: SnapshotId, teamId: SnapshotId, name: EntityName })
export type SnapshotProject = z.infer<typeof SnapshotProject>

/**
 * The gateway APIs a key may call: `chat` (/v1/chat/completions), `messages` (/v1/messages and
 * count_tokens), `embeddings` (/v1/embeddings), `models` (/v1/models). A key without scopes may
 * call them all.
 */
export const KEY_SCOPES = ['chat', 'messages', 'embeddings', 'models'] as const
export const KeyScope = z.enum(KEY_SCOPES)
export type KeyScope = z.infer<typeof KeyScope>

export const KEY_STATUSES = ['active', 'revoked', 'blocked'] as const
export const KeyStatus = z.enum(KEY_STATUSES)
export type KeyStatus = z.infer<typeof KeyStatus>

/**
 * A virtual key as a pod knows it: never the key, only its keyed hash
 * (hex HMAC-SHA256 of the key under a server pepper) and a display prefix.
 */
export const SnapshotKey = z.strictObject({
  id: SnapshotId,
  name: EntityName,
  hash: z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be a lower-case hex HMAC-SHA256' }),
  prefix: z.string().min(4).max(32),
  orgId: SnapshotId,
  teamId: SnapshotId.nullable(),
  projectId: SnapshotId.nullable(),
  environment: z.string().min(1).max(64).nullable(),
  userId: z.string().min(1).max(256).nullable(),
  tags: Tags,
  allowedModels: AllowedModels,
  /** Null: every API; otherwise the APIs the key may call. */
  scopes: z.array(KeyScope).nullable(),
  expiresAt: z.iso.datetime({ offset: true }).nullable(),
  status: KeyStatus,
})
export type SnapshotKey = z.infer<typeof SnapshotKey>
