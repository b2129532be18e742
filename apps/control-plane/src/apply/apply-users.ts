import type { ConfigRole, ConfigUser } from '@switchyard/contracts'
import { type Database, memberships, users } from '@switchyard/db'
import { eq, inArray } from 'drizzle-orm'
import type { TenancyIds } from './apply-tenancy.ts'
import type { ChangeLog } from './change-log.ts'
import { idOf, newEntityId } from './row-change.ts'
import { writeEntry } from './write-entry.ts'

/**
 * Upserts users by subject. A user's roles are the whole truth for that user, like a model's
 * deployments: memberships the entry no longer lists are removed, so a role granted in the admin
 * API to a user the file declares lasts until the next apply. Returns user ids by subject.
 */
export async function applyUsers(
  tx: Database,
  log: ChangeLog,
  entries: readonly ConfigUser[],
  tenancy: TenancyIds,
): Promise<ReadonlyMap<string, string>> {
  const current = new Map((await tx.select().from(users)).map((row) => [row.subject, row]))
  const ids = new Map<string, string>()
  for (const user of entries) {
    const row = current.get(user.subject)
    const id = row?.id ?? newEntityId('user')
    await writeEntry(tx, log, {
      table: users,
      target: { section: 'users', name: user.subject, resourceType: 'user', resourceId: id, orgId: null, teamId: null },
      current: row,
      values: { subject: user.subject, email: user.email ?? null, displayName: user.displayName ?? null },
      children: async (userId) => ((await replaceRoles(tx, userId, user.roles, tenancy)) ? ['roles'] : []),
    })
    ids.set(user.subject, id)
  }
  return ids
}

function membershipOf(role: ConfigRole, tenancy: TenancyIds) {
  if ('org' in role) return { orgId: idOf(tenancy.orgIds, role.org, 'a role names org'), teamId: null, role: role.role }
  return {
    orgId: idOf(tenancy.teamOrgIds, role.team, 'a role names team'),
    teamId: idOf(tenancy.teamIds, role.team, 'a role names team'),
    role: role.role,
  }
}

/** Makes the user's memberships exactly `roles`; returns whether any was added or removed. */
async function replaceRoles(
  tx: Database,
  userId: string,
  roles: readonly ConfigRole[],
  tenancy: TenancyIds,
): Promise<boolean> {
  const identity = (m: { orgId: string; teamId: string | null; role: string }) =>
    JSON.stringify([m.orgId, m.teamId, m.role])
  const wanted = new Map(roles.map((role) => membershipOf(role, tenancy)).map((m) => [identity(m), m]))
  const held = await tx.select().from(memberships).where(eq(memberships.userId, userId))
  const stale = held.filter((m) => !wanted.has(identity(m))).map((m) => m.id)
  const heldKeys = new Set(held.map(identity))
  const missing = [...wanted.values()].filter((m) => !heldKeys.has(identity(m)))
  if (stale.length > 0) await tx.delete(memberships).where(inArray(memberships.id, stale))
  if (missing.length > 0) {
    await tx.insert(memberships).values(missing.map((m) => ({ id: newEntityId('mbr'), userId, ...m })))
  }
  return stale.length > 0 || missing.length > 0
}
