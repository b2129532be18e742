import { z } from 'zod'
import { AlertThresholdsPct, BudgetWindow } from './budget-policy.ts'
import { DeploymentWeight, UpstreamModel } from './deployment-fields.ts'
import { EntityName, ModelName } from './entity-name.ts'
import { JwtAlgorithm, JwtClaimMapping, JwtKeySource } from './jwt-issuer.ts'
import { ModelPrice } from './model-price.ts'
import { ProviderTarget } from './provider-target.ts'
import {
  FallbackCondition,
  RetryPolicy,
  RouteCache,
  RouteStrategy,
  RouteTimeouts,
  routePolicyShape,
} from './route-policy.ts'
import { BudgetScope, RateLimitScope, Tags } from './scope.ts'
import { SnapshotOnExceed } from './snapshot-spend.ts'
import { KeyScope, KeyStatus } from './snapshot-tenancy.ts'
import { checkThroughputLimit, ThroughputLimit, throughputLimitShape } from './throughput-limit.ts'
import { TimeZone } from './time-zone.ts'
import { MicroUsd } from './usd-amount.ts'

/*
 * The admin API's resources as clients (the admin UI, scripts) see them. Each resource carries
 * its id, a `version` (also served as its ETag; send it back in `If-Match` to update safely) and
 * its timestamps. Creates take the resource's own fields; updates take any subset of the
 * writable ones. References are by id.
 */

const Id = z.string().min(1).max(128)
const DisplayName = z.string().min(1).max(200)
const AllowedModels = z
  .array(ModelName)
  .nullable()
  .describe('Models this may call; null: every model its parent may call')

const meta = {
  id: Id,
  version: z.int().positive().describe('Bumped by every change; served as the ETag'),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
}

/** Every list answers with one page and a cursor: pass `last_id` as `after` for the next one. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({
    object: z.literal('list'),
    data: z.array(item),
    firstId: Id.nullable(),
    lastId: Id.nullable(),
    hasMore: z.boolean(),
  })
}

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Page size, 1 to 500'),
  after: Id.optional().describe('Return entries after this id (the previous page’s lastId)'),
})
export type ListQuery = z.infer<typeof ListQuery>

export const Org = z.object({ ...meta, name: EntityName, displayName: DisplayName.nullable() }).meta({ id: 'Org' })
export type Org = z.infer<typeof Org>
export const OrgCreate = z.strictObject({ name: EntityName, displayName: DisplayName.nullish() })
export const OrgUpdate = OrgCreate.partial()

export const Team = z
  .object({ ...meta, orgId: Id, name: EntityName, displayName: DisplayName.nullable(), allowedModels: AllowedModels })
  .meta({ id: 'Team' })
export type Team = z.infer<typeof Team>
export const TeamCreate = z.strictObject({
  orgId: Id,
  name: EntityName,
  displayName: DisplayName.nullish(),
  allowedModels: AllowedModels.optional(),
})
export const TeamUpdate = TeamCreate.omit({ orgId: true }).partial()

export const Project = z
  .object({ ...meta, teamId: Id, name: EntityName, displayName: DisplayName.nullable() })
  .meta({ id: 'Project' })
export type Project = z.infer<typeof Project>
export const ProjectCreate = z.strictObject({ teamId: Id, name: EntityName, displayName: DisplayName.nullish() })
export const ProjectUpdate = ProjectCreate.omit({ teamId: true }).partial()

export const ADMIN_ROLES = ['org_admin', 'team_admin', 'member', 'finance_viewer'] as const
export const AdminRole = z.enum(ADMIN_ROLES)
export type AdminRole = z.infer<typeof AdminRole>

export const User = z
  .object({
    ...meta,
    subject: z.string().min(1).max(256).describe('The `sub` claim of the user’s tokens from the IdP'),
    email: z.email().nullable(),
    displayName: DisplayName.nullable(),
  })
  .meta({ id: 'User' })
export type User = z.infer<typeof User>
export const UserCreate = z.strictObject({
  subject: z.string().min(1).max(256),
  email: z.email().nullish(),
  displayName: DisplayName.nullish(),
})
export const UserUpdate = UserCreate.omit({ subject: true }).partial()

export const Membership = z
  .object({ ...meta, userId: Id, orgId: Id, teamId: Id.nullable(), role: AdminRole })
  .meta({ id: 'Membership' })
export type Membership = z.infer<typeof Membership>
/** `org_admin` and `finance_viewer` are held on an org (no team); `team_admin` and `member` on a team. */
export const MembershipCreate = z.strictObject({
  userId: Id,
  orgId: Id,
  teamId: Id.nullish(),
  role: AdminRole,
})

export const ApiKey = z
  .object({
    ...meta,
    name: EntityName,
    prefix: z
      .string()
      .describe('The first characters of the key, to recognise it; the key itself is never shown again'),
    orgId: Id,
    teamId: Id.nullable(),
    projectId: Id.nullable(),
    ownerId: Id.nullable().describe('The admin user who owns the key'),
    environment: z.string().min(1).max(64).nullable(),
    userId: z.string().min(1).max(256).nullable().describe('User id requests are attributed to'),
    tags: Tags,
    allowedModels: AllowedModels,
    scopes: z.array(KeyScope).nullable(),
    expiresAt: z.iso.datetime({ offset: true }).nullable(),
    status: KeyStatus,
  })
  .meta({ id: 'ApiKey' })
export type ApiKey = z.infer<typeof ApiKey>
export const ApiKeyCreate = z.strictObject({
  name: EntityName,
  teamId: Id,
  projectId: Id.nullish(),
  ownerId: Id.nullish().describe('Defaults to the caller; members can only own their keys'),
  environment: z.string().min(1).max(64).nullish(),
  userId: z.string().min(1).max(256).nullish(),
  tags: Tags.default({}),
  allowedModels: AllowedModels.optional(),
  scopes: z.array(KeyScope).min(1).nullish(),
  expiresAt: z.iso.datetime({ offset: true }).nullish(),
})
export const ApiKeyUpdate = z
  .strictObject({
    name: EntityName,
    projectId: Id.nullable(),
    environment: z.string().min(1).max(64).nullable(),
    userId: z.string().min(1).max(256).nullable(),
    tags: Tags,
    allowedModels: AllowedModels,
    scopes: z.array(KeyScope).min(1).nullable(),
    expiresAt: z.iso.datetime({ offset: true }).nullable(),
    status: z.enum(['active', 'blocked']).describe('Block or unblock; revoking is final and has its own action'),
  })
  .partial()
/** The one answer that shows a key: keep `key` now, it cannot be read again. */
export const ApiKeyCreated = ApiKey.extend({ key: z.string() }).meta({ id: 'ApiKeyCreated' })
export const BulkIds = z.strictObject({ ids: z.array(Id).min(1).max(500) })

export const JwtIssuerView = z
  .object({
    ...meta,
    orgId: Id,
    name: EntityName,
    issuer: z.string().min(1),
    audiences: z.array(z.string().min(1)).min(1),
    keySource: JwtKeySource,
    algorithms: z.array(JwtAlgorithm).min(1),
    claims: JwtClaimMapping,
    clockToleranceSec: z.int().nonnegative().max(300),
  })
  .meta({ id: 'JwtIssuer' })
export const JwtIssuerCreate = z.strictObject({
  orgId: Id,
  name: EntityName,
  issuer: z.string().min(1),
  audiences: z.array(z.string().min(1)).min(1),
  keySource: JwtKeySource,
  algorithms: z.array(JwtAlgorithm).min(1),
  claims: JwtClaimMapping,
  clockToleranceSec: z.int().nonnegative().max(300).default(30),
})
export const JwtIssuerUpdate = JwtIssuerCreate.omit({ orgId: true }).partial()

export const RateLimit = z
  .object({
    ...meta,
    orgId: Id,
    teamId: Id.nullable(),
    name: EntityName,
    scope: RateLimitScope,
    ...throughputLimitShape,
  })
  .meta({ id: 'RateLimit' })
export const RateLimitCreate = z
  .strictObject({ orgId: Id, name: EntityName, scope: RateLimitScope, ...throughputLimitShape })
  .superRefine(checkThroughputLimit)
export const RateLimitUpdate = z
  .strictObject({
    name: EntityName,
    requestsPerMinute: throughputLimitShape.requestsPerMinute.unwrap().nullable(),
    tokensPerMinute: throughputLimitShape.tokensPerMinute.unwrap().nullable(),
  })
  .partial()

export const Budget = z
  .object({
    ...meta,
    orgId: Id,
    teamId: Id.nullable(),
    name: EntityName,
    scope: BudgetScope,
    window: BudgetWindow,
    timeZone: TimeZone,
    limitMicroUsd: MicroUsd,
    alertThresholdsPct: z.array(z.int()),
    onExceed: SnapshotOnExceed,
  })
  .meta({ id: 'Budget' })
export const BudgetCreate = z.strictObject({
  orgId: Id,
  name: EntityName,
  scope: BudgetScope,
  window: BudgetWindow,
  timeZone: TimeZone.default('UTC'),
  limitMicroUsd: MicroUsd.describe('Integer micro-USD: $1.00 is 1000000'),
  alertThresholdsPct: AlertThresholdsPct,
  onExceed: SnapshotOnExceed.default({ action: 'reject' }),
})
export const BudgetUpdate = BudgetCreate.omit({ orgId: true, scope: true }).partial()

export const AuditEntryView = z
  .object({
    id: z.int().positive(),
    at: z.iso.datetime({ offset: true }),
    actorKind: z.enum(['user', 'bootstrap', 'system']),
    actorId: Id.nullable(),
    actorName: z.string(),
    action: z.string(),
    resourceType: z.string(),
    resourceId: z.string(),
    orgId: Id.nullable(),
    teamId: Id.nullable(),
    before: z.unknown(),
    after: z.unknown(),
    requestId: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry' })

/** Who the caller is and what they hold: what the admin UI shows and hides by. */
export const AdminIdentity = z
  .object({
    kind: z.enum(['user', 'bootstrap']),
    user: User.nullable(),
    memberships: z.array(z.object({ orgId: Id, teamId: Id.nullable(), role: AdminRole })),
  })
  .meta({ id: 'AdminIdentity' })

/** Which secrets a provider has; their values are never shown again once written. */
const MaskedCredentials = z
  .record(z.string(), z.literal('********'))
  .nullable()
  .describe('The provider’s secrets by name, masked; null: it has none')

export const Provider = z
  .object({ ...meta, name: EntityName, target: ProviderTarget, credentials: MaskedCredentials })
  .meta({ id: 'Provider' })
export type Provider = z.infer<typeof Provider>
/** Secrets by name, as the provider type needs them (`apiKey`; Bedrock: `accessKeyId`, `secretAccessKey`). */
const CredentialsInput = z.record(z.string(), z.string().min(1))
export const ProviderCreate = z.strictObject({
  name: EntityName,
  target: ProviderTarget,
  credentials: CredentialsInput.nullish().describe('Encrypted at rest; never returned'),
})
export const ProviderUpdate = z
  .strictObject({ name: EntityName, target: ProviderTarget, credentials: CredentialsInput.nullable() })
  .partial()

export const RouteView = z
  .object({ ...meta, name: EntityName, ...routeViewShape(), fallbackModelIds: z.array(Id) })
  .meta({ id: 'Route' })
export const RouteCreate = z.strictObject({
  name: EntityName,
  ...routePolicyShape,
  fallbackModelIds: z.array(Id).default([]).describe('Models tried in order when this one fails'),
})
export const RouteUpdate = z
  .strictObject({
    name: EntityName,
    strategy: RouteStrategy,
    retries: RetryPolicy,
    timeouts: RouteTimeouts,
    fallbackOn: z.array(FallbackCondition),
    cache: RouteCache.nullable().describe('Null removes the cache'),
    fallbackModelIds: z.array(Id),
  })
  .partial()

function routeViewShape() {
  return {
    strategy: RouteStrategy,
    retries: RetryPolicy,
    timeouts: RouteTimeouts,
    fallbackOn: z.array(FallbackCondition),
    cache: RouteCache.optional(),
  }
}

export const ModelView = z
  .object({ ...meta, name: ModelName, routeId: Id.nullable().describe('Null: the default route policy') })
  .meta({ id: 'Model' })
/** A model is created with its first deployments: every model can serve from the start. */
export const ModelCreate = z.strictObject({
  name: ModelName,
  routeId: Id.nullish(),
  deployments: z
    .array(
      z.strictObject({
        providerId: Id,
        upstreamModel: UpstreamModel,
        weight: DeploymentWeight.default(1),
        prices: ModelPrice.optional().describe('Absent: the pricing catalog’s price for this provider and model'),
        limits: ThroughputLimit.nullish(),
      }),
    )
    .min(1)
    .describe('Manage them afterwards under /api/deployments'),
})
/** A model keeps its name: clients and allow-lists refer to it by name. */
export const ModelUpdate = z.strictObject({ routeId: Id.nullable() }).partial()

export const Deployment = z
  .object({
    ...meta,
    modelId: Id,
    providerId: Id,
    upstreamModel: UpstreamModel,
    weight: DeploymentWeight,
    prices: ModelPrice,
    limits: ThroughputLimit.nullable(),
    position: z.int().nonnegative(),
  })
  .meta({ id: 'Deployment' })
export const DeploymentCreate = z.strictObject({
  modelId: Id,
  providerId: Id,
  upstreamModel: UpstreamModel,
  weight: DeploymentWeight.default(1),
  prices: ModelPrice.optional().describe('Absent: the pricing catalog’s price for this provider and model'),
  limits: ThroughputLimit.nullish(),
  position: z.int().nonnegative().optional().describe('Order among the model’s deployments; absent: last'),
})
export const DeploymentUpdate = z
  .strictObject({
    weight: DeploymentWeight,
    prices: ModelPrice,
    limits: ThroughputLimit.nullable(),
    position: z.int().nonnegative(),
  })
  .partial()
