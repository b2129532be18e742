import { HttpError } from '@switchyard/http-server'
import type { Principal } from '../auth/principal.ts'
import type { TeamRestriction } from './usage-reports.ts'

/**
 * Whose usage the caller may read in an org: finance viewers and org admins (and the bootstrap
 * token) read the whole org; a team admin reads the teams they administer; anyone else is
 * refused (members see no money: a team's spend is its admins' business).
 * Returns the teams to restrict every query to (undefined: the whole org).
 */
export function reportTeamsFor(principal: Principal, orgId: string): TeamRestriction {
  if (principal.isFinanceViewer(orgId)) return undefined
  const teams = principal.roles
    .filter((held) => held.role === 'team_admin' && held.orgId === orgId && held.teamId !== null)
    .map((held) => held.teamId as string)
  if (teams.length === 0) {
    throw new HttpError(
      403,
      'permission_error',
      `You may not read the reports of org ${JSON.stringify(orgId)}: that takes the finance_viewer or org_admin role in it, or team_admin for a team's own reports.`,
      { code: 'forbidden' },
    )
  }
  return [...new Set(teams)]
}

/** A team named in a query must be one the caller may read. */
export function checkTeamsReadable(restriction: TeamRestriction, requested: readonly string[] | undefined): void {
  if (restriction === undefined || requested === undefined) return
  const foreign = requested.filter((team) => !restriction.includes(team))
  if (foreign.length > 0) {
    throw new HttpError(
      403,
      'permission_error',
      `You may not read the reports of team ${JSON.stringify(foreign[0])}.`,
      {
        code: 'forbidden',
        param: 'team',
      },
    )
  }
}
