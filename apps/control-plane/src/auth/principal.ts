import type { AdminRole } from '@switchyard/contracts'
import type { Actor } from '../audit/record-audit.ts'

export interface HeldRole {
  readonly orgId: string
  readonly teamId: string | null
  readonly role: AdminRole
}

/**
 * Who is calling the admin API and what they may touch, decided from their memberships in
 * Postgres (never from claims in the token alone). The bootstrap token holds every role.
 *
 * - org admin: everything in their org, and the installation-wide catalog (providers, models,
 *   routes), which every org shares;
 * - team admin: their teams' projects, keys, and memberships below org level;
 * - member: their own keys in their teams;
 * - finance viewer: read-only spend, budgets and reports of their org.
 */
export class Principal {
  readonly actor: Actor
  readonly roles: readonly HeldRole[]
  readonly isBootstrap: boolean
  readonly orgAdminOrgIds: readonly string[]
  readonly financeOrgIds: readonly string[]
  readonly teamAdminTeamIds: readonly string[]
  /** Teams the caller holds any team role in (team admin or member). */
  readonly memberTeamIds: readonly string[]
  /** Orgs the caller holds any role in. */
  readonly orgIds: readonly string[]

  constructor(actor: Actor, roles: readonly HeldRole[]) {
    this.actor = actor
    this.roles = roles
    this.isBootstrap = actor.kind === 'bootstrap'
    const of = (role: AdminRole, pick: (held: HeldRole) => string | null) => [
      ...new Set(roles.filter((held) => held.role === role).flatMap((held) => pick(held) ?? [])),
    ]
    this.orgAdminOrgIds = of('org_admin', (held) => held.orgId)
    this.financeOrgIds = of('finance_viewer', (held) => held.orgId)
    this.teamAdminTeamIds = of('team_admin', (held) => held.teamId)
    this.memberTeamIds = [...new Set([...this.teamAdminTeamIds, ...of('member', (held) => held.teamId)])]
    this.orgIds = [...new Set(roles.map((held) => held.orgId))]
  }

  /** The bootstrap token, which sees and may do everything. */
  static bootstrap(): Principal {
    return new Principal({ kind: 'bootstrap', id: null, name: 'bootstrap' }, [])
  }

  get userId(): string | null {
    return this.actor.kind === 'user' ? this.actor.id : null
  }

  isOrgAdmin(orgId: string): boolean {
    return this.isBootstrap || this.orgAdminOrgIds.includes(orgId)
  }

  /** May change the installation-wide catalog: the bootstrap token or an org admin. */
  get isCatalogAdmin(): boolean {
    return this.isBootstrap || this.orgAdminOrgIds.length > 0
  }

  /** May see the catalog: anyone holding a role. */
  get hasAnyRole(): boolean {
    return this.isBootstrap || this.roles.length > 0
  }

  isFinanceViewer(orgId: string): boolean {
    return this.isOrgAdmin(orgId) || this.financeOrgIds.includes(orgId)
  }

  /** Administers the team: its org's admin or its team admin. */
  isTeamAdmin(orgId: string, teamId: string | null): boolean {
    return this.isOrgAdmin(orgId) || (teamId !== null && this.teamAdminTeamIds.includes(teamId))
  }

  /** Belongs to the team in any role, or administers its org. */
  isTeamMember(orgId: string, teamId: string | null): boolean {
    return this.isOrgAdmin(orgId) || (teamId !== null && this.memberTeamIds.includes(teamId))
  }

  /** Holds any role in the org. */
  hasRoleIn(orgId: string): boolean {
    return this.isBootstrap || this.orgIds.includes(orgId)
  }
}
