import type { ConfigFile } from '@switchyard/contracts'
import { type Database, orgs, projects, teams } from '@switchyard/db'
import type { ChangeLog } from './change-log.ts'
import { idOf, newEntityId } from './row-change.ts'
import { writeEntry } from './write-entry.ts'

/** Ids of the applied tenancy, by the names the config file uses (unique within the file). */
export interface TenancyIds {
  readonly orgIds: ReadonlyMap<string, string>
  readonly teamIds: ReadonlyMap<string, string>
  /** The org id of each team, by team name. */
  readonly teamOrgIds: ReadonlyMap<string, string>
  readonly projectIds: ReadonlyMap<string, string>
  /** The team name of each project, by project name. */
  readonly projectTeams: ReadonlyMap<string, string>
}

/**
 * Upserts the config file's orgs, teams and projects: orgs by name, teams by (org, name),
 * projects by (team, name). Ids are assigned once and kept; a row is written only when it
 * differs. Runs in the caller's transaction.
 */
export async function applyTenancy(tx: Database, log: ChangeLog, config: ConfigFile): Promise<TenancyIds> {
  const orgRows = new Map((await tx.select().from(orgs)).map((row) => [row.name, row]))
  const orgIds = new Map<string, string>()
  for (const org of config.orgs) {
    const current = orgRows.get(org.name)
    const id = current?.id ?? newEntityId('org')
    const target = {
      section: 'orgs',
      name: org.name,
      resourceType: 'org',
      resourceId: id,
      orgId: id,
      teamId: null,
    } as const
    const values = { name: org.name, displayName: org.displayName ?? null }
    await writeEntry(tx, log, { table: orgs, target, current, values })
    orgIds.set(org.name, id)
  }

  const teamRows = new Map((await tx.select().from(teams)).map((row) => [JSON.stringify([row.orgId, row.name]), row]))
  const teamIds = new Map<string, string>()
  const teamOrgIds = new Map<string, string>()
  for (const team of config.teams) {
    const orgId = idOf(orgIds, team.org, `team ${team.name} names org`)
    const current = teamRows.get(JSON.stringify([orgId, team.name]))
    const id = current?.id ?? newEntityId('team')
    const target = {
      section: 'teams',
      name: `${team.org}/${team.name}`,
      resourceType: 'team',
      resourceId: id,
      orgId,
      teamId: id,
    } as const
    const values = {
      orgId,
      name: team.name,
      displayName: team.displayName ?? null,
      allowedModels: team.allowedModels ?? null,
    }
    await writeEntry(tx, log, { table: teams, target, current, values })
    teamIds.set(team.name, id)
    teamOrgIds.set(team.name, orgId)
  }

  const projectRows = new Map(
    (await tx.select().from(projects)).map((row) => [JSON.stringify([row.teamId, row.name]), row]),
  )
  const teamOrgNames = new Map(config.teams.map((team) => [team.name, team.org]))
  const projectIds = new Map<string, string>()
  const projectTeams = new Map<string, string>()
  for (const project of config.projects) {
    const teamId = idOf(teamIds, project.team, `project ${project.name} names team`)
    const current = projectRows.get(JSON.stringify([teamId, project.name]))
    const id = current?.id ?? newEntityId('proj')
    const target = {
      section: 'projects',
      name: `${teamOrgNames.get(project.team)}/${project.team}/${project.name}`,
      resourceType: 'project',
      resourceId: id,
      orgId: idOf(teamOrgIds, project.team, `project ${project.name} names team`),
      teamId,
    } as const
    const values = { teamId, name: project.name, displayName: project.displayName ?? null }
    await writeEntry(tx, log, { table: projects, target, current, values })
    projectIds.set(project.name, id)
    projectTeams.set(project.name, project.team)
  }
  return { orgIds, teamIds, teamOrgIds, projectIds, projectTeams }
}
