import { z } from 'zod'
import { EntityName, ModelName } from './entity-name.ts'
import { whenPresent } from './when-present.ts'

/** What a budget can cap: one key, team, project or user, or every request carrying a tag. */
export const BUDGET_SCOPE_KINDS = ['key', 'team', 'project', 'user', 'tag'] as const
export type BudgetScopeKind = (typeof BUDGET_SCOPE_KINDS)[number]

/** What a rate limit can throttle. */
export const RATE_LIMIT_SCOPE_KINDS = ['key', 'team', 'user', 'model'] as const
export type RateLimitScopeKind = (typeof RATE_LIMIT_SCOPE_KINDS)[number]

const UserId = z.string().min(1).max(256)
const TagName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}$/, {
  error: (iss) => `invalid tag name ${JSON.stringify(iss.input)} (use 1-64 letters, digits, "_", ".", ":", "/" or "-")`,
})
const TagValue = z.string().max(256)

/** Attribution tags on keys and requests: `{ costCenter: ml-research }`. */
export const Tags = z.record(TagName, TagValue)
export type Tags = z.infer<typeof Tags>

/** A tag scope matches every request whose attribution carries `name: value`. */
export const TagScope = z.strictObject({ kind: z.literal('tag'), name: TagName, value: TagValue })
export type TagScope = z.infer<typeof TagScope>

// In the config file a scope is written `{ team: platform }` and parsed to `{ kind: 'team', name: 'platform' }`.
const byName = {
  key: z.strictObject({ key: EntityName.describe('Name of a key in `keys`') }).transform(({ key }) => ({
    kind: 'key' as const,
    name: key,
  })),
  team: z.strictObject({ team: EntityName.describe('Name of a team in `teams`') }).transform(({ team }) => ({
    kind: 'team' as const,
    name: team,
  })),
  project: z
    .strictObject({ project: EntityName.describe('Name of a project in `projects`') })
    .transform(({ project }) => ({ kind: 'project' as const, name: project })),
  user: z.strictObject({ user: UserId.describe('User id, as set on keys or in JWT claims') }).transform(({ user }) => ({
    kind: 'user' as const,
    name: user,
  })),
  tag: z
    .strictObject({ tag: z.strictObject({ name: TagName, value: TagValue }) })
    .transform(({ tag }) => ({ kind: 'tag' as const, name: tag.name, value: tag.value })),
  model: z.strictObject({ model: ModelName.describe('Name of a model in `models`') }).transform(({ model }) => ({
    kind: 'model' as const,
    name: model,
  })),
}

function oneOf(kinds: readonly string[]): string {
  return `must name exactly one of ${kinds.join(', ')}, like { ${kinds[1] ?? kinds[0]}: name }`
}

export const ConfigBudgetScope = z.union([byName.key, byName.team, byName.project, byName.user, byName.tag], {
  error: whenPresent(oneOf(BUDGET_SCOPE_KINDS)),
})
export type ConfigBudgetScope = z.infer<typeof ConfigBudgetScope>

export const ConfigRateLimitScope = z.union([byName.key, byName.team, byName.user, byName.model], {
  error: whenPresent(oneOf(RATE_LIMIT_SCOPE_KINDS)),
})
export type ConfigRateLimitScope = z.infer<typeof ConfigRateLimitScope>

const Id = z.string().min(1).max(128)

/** A budget scope in the snapshot: entities by id, users by their user id. */
export const BudgetScope = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.enum(['key', 'team', 'project', 'user']), id: Id }),
  TagScope,
])
export type BudgetScope = z.infer<typeof BudgetScope>

/** A rate-limit scope in the snapshot. */
export const RateLimitScope = z.strictObject({ kind: z.enum(RATE_LIMIT_SCOPE_KINDS), id: Id })
export type RateLimitScope = z.infer<typeof RateLimitScope>
