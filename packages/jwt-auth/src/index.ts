export { type JwtClaimPaths, type JwtIdentity, mapIdentity, readClaim } from './claim-path.ts'
export {
  createJwtVerifier,
  type JwtIssuerSettings,
  type JwtVerifier,
  type JwtVerifierOptions,
  type VerifiedJwt,
  type VerifiedTokenSettings,
} from './create-jwt-verifier.ts'
export {
  DEFAULT_JWKS_CACHE_SETTINGS,
  JwksCache,
  type JwksCacheOptions,
  type JwksCacheSettings,
  type JwksCacheStats,
} from './jwks-cache.ts'
export { JWT_FAILURE_REASONS, type JwtFailureReason, JwtVerificationError } from './jwt-verification-error.ts'
