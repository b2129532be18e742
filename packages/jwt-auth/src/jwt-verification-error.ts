/**
 * Why a token was refused. Each reason is also the `code` a caller sees, so the set is closed
 * and the messages that go with it are written here, never taken from the token or a library.
 */
export const JWT_FAILURE_REASONS = [
  'malformed_token',
  'token_too_large',
  'unknown_issuer',
  'ambiguous_issuer',
  'untrusted_key_reference',
  'algorithm_not_allowed',
  'unknown_signing_key',
  'invalid_signature',
  'token_expired',
  'token_not_yet_valid',
  'audience_mismatch',
  'issuer_mismatch',
  'missing_claim',
  'invalid_claim',
  'jwks_unavailable',
] as const
export type JwtFailureReason = (typeof JWT_FAILURE_REASONS)[number]

/**
 * A token that did not verify. The message is safe to show to the caller: it never echoes the
 * token, and names claims, not their values.
 */
export class JwtVerificationError extends Error {
  override readonly name = 'JwtVerificationError'
  readonly reason: JwtFailureReason

  constructor(reason: JwtFailureReason, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.reason = reason
  }
}
