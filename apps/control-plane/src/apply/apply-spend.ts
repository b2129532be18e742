import { ConfigError, type ConfigIssue } from '@switchyard/config'
import type {
  BudgetScope,
  ConfigBudget,
  ConfigBudgetScope,
  ConfigFile,
  ConfigRateLimit,
  ConfigRateLimitScope,
  RateLimitScope,
  SnapshotOnExceed,
} from '@switchyard/contracts'
import { budgets, type Database, orgs, rateLimits } from '@switchyard/db'
import type { TenancyIds } from './apply-tenancy.ts'
import type { ApplyWarning } from './apply-warning.ts'
import type { ChangeLog } from './change-log.ts'
import { idOf, newEntityId } from './row-change.ts'
import { type FieldsOf, writeEntry } from './write-entry.ts'

export interface SpendRefs {
  readonly tenancy: TenancyIds
  readonly keyIds: ReadonlyMap<string, string>
  /** The team of each key of the file, by key name. */
  readonly keyTeams: ReadonlyMap<string, string>
  readonly modelIds: ReadonlyMap<string, string>
  readonly sourceName: string
}

/** A scope resolved to ids, with the org and team owning it. */
interface Owned {
  readonly scope: BudgetScope | RateLimitScope
  readonly orgId: string
  readonly teamId: string | null
}

const SPEND_FIELDS: Readonly<Record<string, string>> = {
  orgId: 'org',
  teamId: 'scope',
  limitMicroUsd: 'limitUsd',
}
const fieldsOf: FieldsOf = (column) => [SPEND_FIELDS[column] ?? column]

/**
 * Upserts rate limits and budgets by name, their scopes stored by id. The owning org comes from
 * a key, team or project scope; for user, tag and model scopes from `org`, or the one org there
 * is. An entry whose key was skipped (its variable is unset) is skipped too, with a warning.
 */
export async function applySpend(
  tx: Database,
  log: ChangeLog,
  config: ConfigFile,
  refs: SpendRefs,
): Promise<{ rateLimitIds: Set<string>; budgetIds: Set<string>; warnings: ApplyWarning[] }> {
  const warnings: ApplyWarning[] = []
  const issues: ConfigIssue[] = []
  const soleOrgId = await soleOrg(tx, config, refs.tenancy)
  const own = (
    entry: { name: string; org?: string | undefined; scope: ConfigBudgetScope | ConfigRateLimitScope },
    path: string,
  ): Owned | undefined => {
    const owned = resolveScope(entry, refs, soleOrgId)
    if (owned === 'skipped-key') {
      warnings.push({ path: `${path}.scope.key`, message: `${path} skipped: key ${entry.scope.name} was not applied` })
      return undefined
    }
    if (owned === 'no-org') {
      const message = `a ${entry.scope.kind} scope needs org: <name> (the file declares no org, and the database does not hold exactly one)`
      issues.push({ path, message })
      return undefined
    }
    return owned
  }

  const rateLimitIds = new Set<string>()
  const currentLimits = new Map((await tx.select().from(rateLimits)).map((row) => [row.name, row]))
  for (const [index, limit] of config.rateLimits.entries()) {
    const owned = own(limit, `rateLimits[${index}]`)
    if (owned === undefined) continue
    const row = currentLimits.get(limit.name)
    const id = row?.id ?? newEntityId('rl')
    await writeEntry(tx, log, {
      table: rateLimits,
      target: spendTarget('rateLimits', 'rate_limit', limit.name, id, owned),
      current: row,
      values: rateLimitValues(limit, owned),
      fieldsOf,
    })
    rateLimitIds.add(id)
  }

  const budgetIds = new Set<string>()
  const currentBudgets = new Map((await tx.select().from(budgets)).map((row) => [row.name, row]))
  for (const [index, budget] of config.budgets.entries()) {
    const owned = own(budget, `budgets[${index}]`)
    if (owned === undefined) continue
    const row = currentBudgets.get(budget.name)
    const id = row?.id ?? newEntityId('budget')
    await writeEntry(tx, log, {
      table: budgets,
      target: spendTarget('budgets', 'budget', budget.name, id, owned),
      current: row,
      values: budgetValues(budget, owned, refs.modelIds),
      fieldsOf,
    })
    budgetIds.add(id)
  }
  if (issues.length > 0) {
    throw new ConfigError(refs.sourceName, issues, { summary: `${refs.sourceName} cannot be applied:` })
  }
  return { rateLimitIds, budgetIds, warnings }
}

function spendTarget(section: 'rateLimits' | 'budgets', resourceType: string, name: string, id: string, owned: Owned) {
  return { section, name, resourceType, resourceId: id, orgId: owned.orgId, teamId: owned.teamId }
}

/** The org of a scope that implies none: the file's only org, else the database's only org. */
async function soleOrg(tx: Database, config: ConfigFile, tenancy: TenancyIds): Promise<string | undefined> {
  if (config.orgs.length === 1) return [...tenancy.orgIds.values()][0]
  if (config.orgs.length > 1) return undefined
  const rows = await tx.select({ id: orgs.id }).from(orgs)
  return rows.length === 1 ? rows[0]?.id : undefined
}

function resolveScope(
  entry: { name: string; org?: string | undefined; scope: ConfigBudgetScope | ConfigRateLimitScope },
  refs: SpendRefs,
  soleOrgId: string | undefined,
): Owned | 'skipped-key' | 'no-org' {
  const { tenancy } = refs
  const scope = entry.scope
  const what = `${entry.name} scope names`
  const ofTeam = (team: string) => ({
    orgId: idOf(tenancy.teamOrgIds, team, what),
    teamId: idOf(tenancy.teamIds, team, what),
  })
  switch (scope.kind) {
    case 'team':
      return { scope: { kind: 'team', id: idOf(tenancy.teamIds, scope.name, what) }, ...ofTeam(scope.name) }
    case 'project': {
      const team = tenancy.projectTeams.get(scope.name) ?? ''
      return { scope: { kind: 'project', id: idOf(tenancy.projectIds, scope.name, what) }, ...ofTeam(team) }
    }
    case 'key': {
      const keyId = refs.keyIds.get(scope.name)
      if (keyId === undefined) return 'skipped-key'
      return { scope: { kind: 'key', id: keyId }, ...ofTeam(refs.keyTeams.get(scope.name) ?? '') }
    }
    default: {
      const orgId = entry.org === undefined ? soleOrgId : idOf(tenancy.orgIds, entry.org, what)
      if (orgId === undefined) return 'no-org'
      const resolved: BudgetScope | RateLimitScope =
        scope.kind === 'tag'
          ? { kind: 'tag', name: scope.name, value: scope.value }
          : scope.kind === 'model'
            ? { kind: 'model', id: idOf(refs.modelIds, scope.name, what) }
            : { kind: 'user', id: scope.name }
      return { scope: resolved, orgId, teamId: null }
    }
  }
}

function rateLimitValues(limit: ConfigRateLimit, owned: Owned) {
  return {
    name: limit.name,
    orgId: owned.orgId,
    teamId: owned.teamId,
    scope: owned.scope,
    requestsPerMinute: limit.requestsPerMinute ?? null,
    tokensPerMinute: limit.tokensPerMinute ?? null,
  }
}

function budgetValues(budget: ConfigBudget, owned: Owned, modelIds: ReadonlyMap<string, string>) {
  const onExceed: SnapshotOnExceed =
    budget.onExceed === 'reject'
      ? { action: 'reject' }
      : {
          action: 'downgrade',
          modelId: idOf(modelIds, budget.onExceed.downgradeTo, `budget ${budget.name} downgrades to`),
        }
  return {
    name: budget.name,
    orgId: owned.orgId,
    teamId: owned.teamId,
    scope: owned.scope,
    window: budget.window,
    timeZone: budget.timeZone,
    limitMicroUsd: budget.limitMicroUsd,
    alertThresholdsPct: budget.alertThresholdsPct,
    onExceed,
  }
}
