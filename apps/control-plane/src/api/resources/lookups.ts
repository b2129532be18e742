import { apiKeys, models, projects, teams, users } from '@switchyard/db'
import { HttpError, NotFoundError } from '@switchyard/http-server'
import { eq, inArray } from 'drizzle-orm'
import type { ResourceContext } from '../crud-resource.ts'

/*
 * Loading what a write refers to. A reference the caller may not see answers exactly as one
 * that does not exist, so ids from other teams cannot be probed.
 */

export async function teamFor(ctx: ResourceContext, teamId: string) {
  const [team] = await ctx.tx.select().from(teams).where(eq(teams.id, teamId))
  if (
    team === undefined ||
    !(ctx.principal.isTeamMember(team.orgId, team.id) || ctx.principal.isFinanceViewer(team.orgId))
  ) {
    throw new NotFoundError(`No team with id ${JSON.stringify(teamId)}.`)
  }
  return team
}

export async function orgIdOfTeam(ctx: Pick<ResourceContext, 'tx'>, teamId: string): Promise<string> {
  const [team] = await ctx.tx.select({ orgId: teams.orgId }).from(teams).where(eq(teams.id, teamId))
  if (team === undefined) throw new Error(`team ${teamId} vanished`)
  return team.orgId
}

export async function projectFor(ctx: ResourceContext, projectId: string) {
  const [project] = await ctx.tx.select().from(projects).where(eq(projects.id, projectId))
  if (project === undefined) throw new NotFoundError(`No project with id ${JSON.stringify(projectId)}.`)
  await teamFor(ctx, project.teamId).catch(() => {
    throw new NotFoundError(`No project with id ${JSON.stringify(projectId)}.`)
  })
  return project
}

export async function keyFor(ctx: ResourceContext, keyId: string) {
  const [key] = await ctx.tx.select().from(apiKeys).where(eq(apiKeys.id, keyId))
  const may =
    key !== undefined && (ctx.principal.isTeamAdmin(key.orgId, key.teamId) || key.ownerId === ctx.principal.userId)
  if (!may) throw new NotFoundError(`No key with id ${JSON.stringify(keyId)}.`)
  return key
}

export async function userExists(ctx: ResourceContext, userId: string) {
  const [user] = await ctx.tx.select({ id: users.id }).from(users).where(eq(users.id, userId))
  if (user === undefined) throw new NotFoundError(`No user with id ${JSON.stringify(userId)}.`)
}

export function refuse(message: string, code = 'forbidden'): HttpError {
  return new HttpError(403, 'permission_error', message, { code })
}

export function invalid(message: string, param: string): HttpError {
  return new HttpError(400, 'invalid_request_error', message, { code: 'invalid_value', param })
}

/** Dates as the API shows them. */
export const iso = (date: Date): string => date.toISOString()
export const isoOrNull = (date: Date | null): string | null => date?.toISOString() ?? null

/** The version and timestamps every resource shows. */
export const stamps = (row: { version: number; createdAt: Date; updatedAt: Date }) => ({
  version: row.version,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
})

/**
 * A PATCH's value for a column: the patch's when it names the field (null included), else the
 * row's.
 */
export function patched<P extends object, R extends object, K extends keyof P & keyof R>(
  row: R,
  patch: P,
  field: K,
): P[K] | R[K] {
  return patch[field] === undefined ? row[field] : patch[field]
}

/**
 * Allow-lists name models (clients send names), so each name must be a model of the catalog, as
 * in a config file: a typo would otherwise allow nothing, silently.
 */
export async function checkModelNames(
  ctx: Pick<ResourceContext, 'tx'>,
  names: readonly string[] | null | undefined,
  param: string,
): Promise<void> {
  if (names === null || names === undefined || names.length === 0) return
  const found = await ctx.tx
    .select({ name: models.name })
    .from(models)
    .where(inArray(models.name, [...names]))
  const unknown = names.filter((name) => !found.some((row) => row.name === name))
  if (unknown.length > 0) throw invalid(`Unknown model ${unknown.map((n) => JSON.stringify(n)).join(', ')}.`, param)
}
