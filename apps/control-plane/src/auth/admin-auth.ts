import { createHash, timingSafeEqual } from 'node:crypto'
import { type Database, memberships, users } from '@switchyard/db'
import { HttpError } from '@switchyard/http-server'
import { eq } from 'drizzle-orm'
import type { MiddlewareHandler } from 'hono'
import { type HeldRole, Principal } from './principal.ts'

/** What a verified admin token says about its bearer. */
export interface AdminTokenClaims {
  readonly subject: string
  readonly email?: string | undefined
}

/** Verifies a bearer token from the organisation's IdP (signature, issuer, audience, expiry) or throws. */
export type AdminTokenVerifier = (token: string) => Promise<AdminTokenClaims>

export interface AdminAuthOptions {
  readonly db: Database
  /** The bootstrap admin token from the environment; undefined: none is accepted. */
  readonly bootstrapToken?: string | undefined
  /** Undefined: no IdP is configured, so only the bootstrap token signs in. */
  readonly verifyToken?: AdminTokenVerifier | undefined
}

export type AdminEnv = { Variables: { principal: Principal } }

const unauthenticated = (message: string, code: string) =>
  new HttpError(401, 'authentication_error', message, { code, headers: { 'www-authenticate': 'Bearer' } })

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest()

/**
 * Resolves the caller of every admin route into a `Principal`: the bootstrap token (compared in
 * constant time), or a token from the IdP whose subject names a user; that user's roles come
 * from their memberships. A token that verifies but names no user is refused: being able to
 * sign in at the IdP grants nothing here until an admin adds the user.
 */
export function adminAuth(options: AdminAuthOptions): MiddlewareHandler<AdminEnv> {
  const bootstrapDigest = options.bootstrapToken === undefined ? undefined : digest(options.bootstrapToken)
  return async function authenticateAdmin(c, next) {
    const header = c.req.header('authorization')
    const match = header === undefined ? null : /^Bearer[ ]+(\S+)\s*$/i.exec(header)
    const token = match?.[1]
    if (token === undefined) {
      throw unauthenticated('Send an admin token as `Authorization: Bearer <token>`.', 'missing_admin_token')
    }
    if (bootstrapDigest !== undefined && timingSafeEqual(digest(token), bootstrapDigest)) {
      c.set('principal', Principal.bootstrap())
      return next()
    }
    if (options.verifyToken === undefined) {
      throw unauthenticated('The admin token is not valid.', 'invalid_admin_token')
    }
    let claims: AdminTokenClaims
    try {
      claims = await options.verifyToken(token)
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'it did not verify'
      throw unauthenticated(`The admin token is not valid: ${reason}`, 'invalid_admin_token')
    }
    c.set('principal', await loadPrincipal(options.db, claims))
    return next()
  }
}

async function loadPrincipal(db: Database, claims: AdminTokenClaims): Promise<Principal> {
  const [user] = await db.select().from(users).where(eq(users.subject, claims.subject))
  if (user === undefined) {
    throw new HttpError(
      403,
      'permission_error',
      'You are signed in, but no Switchyard user has your subject; ask an org admin to add you.',
      { code: 'unknown_user' },
    )
  }
  const roles: HeldRole[] = await db
    .select({ orgId: memberships.orgId, teamId: memberships.teamId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.userId, user.id))
  return new Principal({ kind: 'user', id: user.id, name: user.email ?? user.subject }, roles)
}
