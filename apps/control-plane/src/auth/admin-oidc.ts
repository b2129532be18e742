import type { JwtAlgorithm } from '@switchyard/contracts'
import { createJwtVerifier } from '@switchyard/jwt-auth'
import type { AdminTokenVerifier } from './admin-auth.ts'

export interface AdminOidcSettings {
  readonly issuer: string
  readonly audience: string
  readonly jwksUrl: string
  readonly algorithms: readonly JwtAlgorithm[]
  /** Claim holding the user's subject; `sub` unless the IdP puts it elsewhere. */
  readonly subjectClaim?: string
  readonly clockToleranceSec?: number
}

/**
 * Admin tokens from the organisation's IdP: signature by its JWKS (cached, refetched at a
 * bounded rate), issuer, audience, expiry and pinned asymmetric algorithms checked by the same
 * verifier the gateways use for app tokens. Only the subject (and an email, for the audit log)
 * is taken from the token; roles come from memberships in Postgres.
 */
export function adminOidcVerifier(settings: AdminOidcSettings): AdminTokenVerifier {
  const verifier = createJwtVerifier({
    issuers: [
      {
        id: 'admin',
        issuer: settings.issuer,
        audiences: [settings.audience],
        keySource: { kind: 'jwks_url', jwksUrl: settings.jwksUrl },
        algorithms: [...settings.algorithms],
        claims: { user: settings.subjectClaim ?? 'sub', team: null, roles: null },
        clockToleranceSec: settings.clockToleranceSec ?? 30,
      },
    ],
  })
  return async (token) => {
    const verified = await verifier.verify(token)
    const email = verified.claims.email
    return { subject: verified.identity.user, email: typeof email === 'string' ? email : undefined }
  }
}
