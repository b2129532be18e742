import { randomUUID } from 'node:crypto'
import type { ConfigFile } from '@switchyard/contracts'
import { type Database, orgs, projects, teams } from '@switchyard/db'
import { sql } from 'drizzle-orm'

export interface TenancyApplyResult {
  readonly orgs: number
  readonly teams: number
  readonly projects: number
}

/** Ids of the applied tenancy, by the names the config file uses (unique within the file). */
export interface TenancyIds {
  readonly orgIds: ReadonlyMap<string, string>
  readonly teamIds: ReadonlyMap<string, string>
  /** The org id of each team, by team name. */
  readonly teamOrgIds: ReadonlyMap<string, string>
  readonly projectIds: ReadonlyMap<string, string>
}

/**
 * Upserts the config file's orgs, teams and projects by name. Ids are assigned once and kept:
 * applying the same file again changes nothing. Runs in the caller's transaction.
 */
export async function applyTenancy(
  tx: Database,
  config: ConfigFile,
): Promise<{ counts: TenancyApplyResult; ids: TenancyIds }> {
  const orgIds = new Map<string, string>()
  for (const org of config.orgs) {
    const [row] = await tx
      .insert(orgs)
      .values({ id: `org_${randomUUID()}`, name: org.name })
      .onConflictDoUpdate({ target: orgs.name, set: { name: sql`excluded.name` } })
      .returning({ id: orgs.id })
    if (row) orgIds.set(org.name, row.id)
  }
  const teamIds = new Map<string, string>()
  const teamOrgIds = new Map<string, string>()
  for (const team of config.teams) {
    const orgId = orgIds.get(team.org)
    if (!orgId) throw new Error(`team ${team.name} names an org that was not applied: ${team.org}`)
    const [row] = await tx
      .insert(teams)
      .values({ id: `team_${randomUUID()}`, orgId, name: team.name, allowedModels: team.allowedModels ?? null })
      .onConflictDoUpdate({ target: [teams.orgId, teams.name], set: { allowedModels: team.allowedModels ?? null } })
      .returning({ id: teams.id })
    if (row) teamIds.set(team.name, row.id)
    teamOrgIds.set(team.name, orgId)
  }
  const projectIds = new Map<string, string>()
  for (const project of config.projects) {
    const teamId = teamIds.get(project.team)
    if (!teamId) throw new Error(`project ${project.name} names a team that was not applied: ${project.team}`)
    const [row] = await tx
      .insert(projects)
      .values({ id: `proj_${randomUUID()}`, teamId, name: project.name })
      .onConflictDoUpdate({ target: [projects.teamId, projects.name], set: { name: sql`excluded.name` } })
      .returning({ id: projects.id })
    if (row) projectIds.set(project.name, row.id)
  }
  return {
    counts: { orgs: config.orgs.length, teams: config.teams.length, projects: config.projects.length },
    ids: { orgIds, teamIds, teamOrgIds, projectIds },
  }
}
