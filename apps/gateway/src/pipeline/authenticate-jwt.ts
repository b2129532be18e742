import type { JwtIssuer, PolicySnapshot } from '@switchyard/contracts'
import { ServiceUnavailableError } from '@switchyard/http-server'
import { createJwtVerifier, type JwksCache, JwtVerificationError, type JwtVerifier } from '@switchyard/jwt-auth'
import { AuthenticationError, PermissionDeniedError } from '../gateway-errors.ts'
import type { RuntimeKey } from '../policy/runtime-policy.ts'

/** Three base64url segments (the last may be empty): what a compact JWS looks like. A virtual key never does. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

export function looksLikeJwt(token: string): boolean {
  return COMPACT_JWS.test(token)
}

interface TeamEntry {
  readonly id: string
  readonly allowedModels: ReadonlySet<string> | null
}

/** What one snapshot's issuers compile to: the verifier and the teams of each org by name. */
interface CompiledJwtAuth {
  readonly verifier: JwtVerifier<JwtIssuer>
  readonly teamsByOrg: ReadonlyMap<string, ReadonlyMap<string, TeamEntry>>
}

export interface JwtAuthenticatorDeps {
  /** The pod's key sets: it outlives snapshots, so a new snapshot keeps warm keys. */
  readonly jwksCache: JwksCache
  readonly now: () => number
}

/**
 * Authenticates callers who present a JWT from one of the snapshot's issuers. The caller becomes
 * a `RuntimeKey` attributed to the issuer's org, the team its team claim names in that org, and
 * its user claim, so allow-lists and metering treat it exactly like a virtual key. The issuers
 * are compiled once per snapshot, on the first JWT that snapshot sees.
 */
export class JwtAuthenticator {
  readonly #deps: JwtAuthenticatorDeps
  readonly #compiled = new WeakMap<PolicySnapshot, CompiledJwtAuth>()

  constructor(deps: JwtAuthenticatorDeps) {
    this.#deps = deps
  }

  async authenticate(snapshot: PolicySnapshot, token: string): Promise<RuntimeKey> {
    const { verifier, teamsByOrg } = this.#compiledFor(snapshot)
    let verified: Awaited<ReturnType<typeof verifier.verify>>
    try {
      verified = await verifier.verify(token)
    } catch (error) {
      throw asClientError(error)
    }
    const { issuer, identity } = verified
    let team: TeamEntry | null = null
    const teamClaim = issuer.claims.team
    if (teamClaim !== null) {
      if (identity.team === null) {
        throw new PermissionDeniedError(
          `The token has no \`${teamClaim}\` claim, which must name the caller's team.`,
          'team_claim_missing',
        )
      }
      team = teamsByOrg.get(issuer.orgId)?.get(identity.team) ?? null
      if (team === null) {
        throw new PermissionDeniedError(
          `The team \`${identity.team}\` named by the token's \`${teamClaim}\` claim does not exist in this organization.`,
          'unknown_team',
        )
      }
    }
    return {
      id: `jwt:${issuer.id}`,
      orgId: issuer.orgId,
      teamId: team?.id ?? null,
      projectId: null,
      environment: null,
      userId: identity.user,
      tags: {},
      allowedModels: intersect(
        team?.allowedModels ?? null,
        roleModels(issuer.claims.roleAllowedModels, identity.roles),
      ),
      expiresAtMs: verified.expiresAtMs,
      status: 'active',
      jwt: { issuerId: issuer.id, roles: identity.roles },
    }
  }

  #compiledFor(snapshot: PolicySnapshot): CompiledJwtAuth {
    const existing = this.#compiled.get(snapshot)
    if (existing) return existing
    const teamsByOrg = new Map<string, Map<string, TeamEntry>>()
    for (const team of snapshot.teams) {
      const teams = teamsByOrg.get(team.orgId) ?? new Map<string, TeamEntry>()
      teams.set(team.name, {
        id: team.id,
        allowedModels: team.allowedModels === null ? null : new Set(team.allowedModels),
      })
      teamsByOrg.set(team.orgId, teams)
    }
    const compiled: CompiledJwtAuth = {
      verifier: createJwtVerifier({
        issuers: snapshot.jwtIssuers,
        jwksCache: this.#deps.jwksCache,
        now: this.#deps.now,
      }),
      teamsByOrg,
    }
    this.#compiled.set(snapshot, compiled)
    return compiled
  }
}

function asClientError(error: unknown): unknown {
  if (!(error instanceof JwtVerificationError)) return error
  // The identity provider being unreachable is not the caller's fault.
  if (error.reason === 'jwks_unavailable') return new ServiceUnavailableError(error.message, error.reason)
  return new AuthenticationError(error.message, error.reason)
}

/** The models a caller's roles allow: any of its roles' models; null when the issuer maps none. */
function roleModels(
  byRole: Readonly<Record<string, readonly string[]>> | undefined,
  roles: readonly string[],
): ReadonlySet<string> | null {
  if (byRole === undefined) return null
  return new Set(roles.flatMap((role) => (Object.hasOwn(byRole, role) ? (byRole[role] ?? []) : [])))
}

function intersect(a: ReadonlySet<string> | null, b: ReadonlySet<string> | null): ReadonlySet<string> | null {
  if (a === null) return b
  if (b === null) return a
  return new Set([...a].filter((model) => b.has(model)))
}
