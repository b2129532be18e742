import { z } from 'zod'
import { UserSubject } from './config-identity.ts'
import { EntityName, ModelName } from './entity-name.ts'
import { EnvRef } from './env-ref.ts'
import { Tags } from './scope.ts'
import { KeyScope } from './snapshot-tenancy.ts'
import { whenPresent } from './when-present.ts'

const DisplayName = z.string().min(1).max(200)
const AllowedModels = z.array(ModelName).describe('Models this may call; every model if absent')

export const ConfigOrg = z.strictObject({ name: EntityName, displayName: DisplayName.optional() })
export type ConfigOrg = z.infer<typeof ConfigOrg>

export const ConfigTeam = z.strictObject({
  name: EntityName,
  org: EntityName.describe('Name of an org in `orgs`'),
  displayName: DisplayName.optional(),
  allowedModels: AllowedModels.optional(),
})
export type ConfigTeam = z.infer<typeof ConfigTeam>

export const ConfigProject = z.strictObject({
  name: EntityName,
  team: EntityName.describe('Name of a team in `teams`'),
  displayName: DisplayName.optional(),
})
export type ConfigProject = z.infer<typeof ConfigProject>

/** A virtual API key to seed. The key itself comes from the environment and never appears in the file. */
export const ConfigKey = z.strictObject({
  name: EntityName,
  secret: EnvRef.describe('Environment variable holding the key clients will send'),
  team: EntityName.describe('Name of a team in `teams`'),
  project: EntityName.optional().describe('Name of a project of that team'),
  environment: EntityName.optional().describe('Free-form environment label, e.g. production'),
  user: z.string().min(1).max(256).optional().describe('User id requests with this key are attributed to'),
  allowedModels: AllowedModels.optional(),
  tags: Tags.default({}).describe('Attribution tags added to every request made with this key'),
  expiresAt: z.iso
    .datetime({ offset: true, error: whenPresent('must be an ISO 8601 date-time like 2026-01-31T00:00:00Z') })
    .optional(),
  scopes: z
    .array(KeyScope)
    .min(1)
    .optional()
    .describe('Gateway APIs the key may call (chat, messages, embeddings, models); all of them if absent'),
  owner: UserSubject.optional().describe('Subject of a user in `users` who owns the key; a service key if absent'),
})
export type ConfigKey = z.infer<typeof ConfigKey>
