import type { JWTPayload } from 'jose'
import { JwtVerificationError } from './jwt-verification-error.ts'

/** Which claims carry the caller's identity: claim names or dotted paths into nested claims. */
export interface JwtClaimPaths {
  readonly user: string
  readonly team: string | null
  readonly roles: string | null
}

/** Who the caller is, read from verified claims. */
export interface JwtIdentity {
  readonly user: string
  /** Null when the issuer maps no team claim or the token carries none. */
  readonly team: string | null
  readonly roles: readonly string[]
}

const MAX_IDENTITY_CHARS = 256

/**
 * A claim by name or by dotted path. A claim whose name holds dots (namespaced claims such as
 * `https://example.com/team`) is found by its full name first.
 */
export function readClaim(claims: JWTPayload, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path]
  let value: unknown = claims
  for (const segment of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, segment)) {
      return undefined
    }
    value = (value as Record<string, unknown>)[segment]
  }
  return value
}

/** Maps verified claims to the caller's identity; claims of the wrong shape are refused, not guessed at. */
export function mapIdentity(claims: JWTPayload, paths: JwtClaimPaths): JwtIdentity {
  return {
    user: userOf(readClaim(claims, paths.user), paths.user),
    team: paths.team === null ? null : teamOf(readClaim(claims, paths.team), paths.team),
    roles: paths.roles === null ? [] : rolesOf(readClaim(claims, paths.roles), paths.roles),
  }
}

function userOf(value: unknown, path: string): string {
  if (value === undefined || value === null || value === '') {
    throw new JwtVerificationError('missing_claim', `The token has no \`${path}\` claim, which names the caller.`)
  }
  const user = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value
  if (typeof user !== 'string' || user.length > MAX_IDENTITY_CHARS) {
    throw new JwtVerificationError('invalid_claim', `The token's \`${path}\` claim must be a string.`)
  }
  return user
}

function teamOf(value: unknown, path: string): string | null {
  if (value === undefined || value === null) return null
  // A one-element array is a common shape for group claims; several teams cannot be attributed.
  const team = Array.isArray(value) && value.length === 1 ? value[0] : value
  if (typeof team !== 'string' || team === '' || team.length > MAX_IDENTITY_CHARS) {
    throw new JwtVerificationError('invalid_claim', `The token's \`${path}\` claim must name exactly one team.`)
  }
  return team
}

function rolesOf(value: unknown, path: string): readonly string[] {
  if (value === undefined || value === null) return []
  // OAuth's `scope` is a space-separated string; role claims are usually arrays.
  if (typeof value === 'string') return value.split(/\s+/).filter((role) => role !== '')
  if (Array.isArray(value) && value.every((role): role is string => typeof role === 'string')) return [...value]
  throw new JwtVerificationError('invalid_claim', `The token's \`${path}\` claim must be a list of strings.`)
}
