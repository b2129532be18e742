import type { ConfigSection } from '@switchyard/contracts'
import {
  apiKeys,
  budgets,
  type Database,
  jwtIssuers,
  models,
  orgs,
  projects,
  providers,
  rateLimits,
  routes,
  teams,
  users,
} from '@switchyard/db'
import { inArray } from 'drizzle-orm'
import type { ChangeLog } from './change-log.ts'
import type { VersionedTable } from './write-entry.ts'

/** The ids of the rows the file lists (or kept on purpose, like a key whose variable is unset), by section. */
export type ListedIds = Readonly<Record<ConfigSection, ReadonlySet<string>>>

type Row = { id: string; name?: string; subject?: string; orgId?: string; teamId?: string | null } & Record<
  string,
  unknown
>

interface PruneStep {
  readonly section: ConfigSection
  readonly resourceType: string
  readonly table: VersionedTable
}

// Dependents before what they depend on: budgets and limits name keys, teams and models; keys name
// projects, teams and users; models name routes, and deployments (deleted with their model) name
// providers; a user's memberships go with the user.
const PRUNE_ORDER: readonly PruneStep[] = [
  { section: 'budgets', resourceType: 'budget', table: budgets },
  { section: 'rateLimits', resourceType: 'rate_limit', table: rateLimits },
  { section: 'keys', resourceType: 'key', table: apiKeys },
  { section: 'jwtIssuers', resourceType: 'jwt_issuer', table: jwtIssuers },
  { section: 'users', resourceType: 'user', table: users },
  { section: 'models', resourceType: 'model', table: models },
  { section: 'routes', resourceType: 'route', table: routes },
  { section: 'providers', resourceType: 'provider', table: providers },
  { section: 'projects', resourceType: 'project', table: projects },
  { section: 'teams', resourceType: 'team', table: teams },
  { section: 'orgs', resourceType: 'org', table: orgs },
]

/**
 * Deletes every row the file does not list, dependents first, and records each deletion. Keys
 * an admin revoked go too: they are config entries like any other. Runs only when asked to.
 */
export async function pruneConfig(tx: Database, log: ChangeLog, listed: ListedIds): Promise<void> {
  const orgNames = new Map((await tx.select().from(orgs)).map((row) => [row.id, row.name]))
  const teamRows = new Map((await tx.select().from(teams)).map((row) => [row.id, row]))
  const teamName = (teamId: string | null | undefined) => {
    const team = teamId ? teamRows.get(teamId) : undefined
    return team ? `${orgNames.get(team.orgId) ?? team.orgId}/${team.name}` : String(teamId)
  }
  const nameOf = (section: ConfigSection, row: Row): string => {
    switch (section) {
      case 'users':
        return String(row.subject)
      case 'teams':
      case 'keys':
      case 'jwtIssuers':
        return `${orgNames.get(String(row.orgId)) ?? row.orgId}/${row.name}`
      case 'projects':
        return `${teamName(row.teamId)}/${row.name}`
      default:
        return String(row.name)
    }
  }
  for (const { section, resourceType, table } of PRUNE_ORDER) {
    const rows = (await tx.select().from(table)) as Row[]
    const stale = rows
      .filter((row) => !listed[section].has(row.id))
      .map((row) => ({ row, name: nameOf(section, row) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    if (stale.length === 0) continue
    await tx.delete(table).where(
      inArray(
        table.id,
        stale.map(({ row }) => row.id),
      ),
    )
    for (const { row, name } of stale) {
      const orgId = section === 'orgs' ? row.id : (row.orgId ?? teamRows.get(String(row.teamId))?.orgId ?? null)
      const teamId = section === 'teams' ? row.id : (row.teamId ?? null)
      log.deleted({ section, name, resourceType, resourceId: row.id, orgId, teamId }, row)
    }
  }
}
