import type { JwtIssuer } from '@switchyard/contracts'
import {
  type CryptoKey,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyOptions,
  jwtVerify,
} from 'jose'
import { type JwtIdentity, mapIdentity } from './claim-path.ts'
import { JwksCache, type KeyResolver, publicSigningKeys } from './jwks-cache.ts'
import { JwtVerificationError } from './jwt-verification-error.ts'

/**
 * What the verifier needs of an issuer: the contracts' `JwtIssuer` without its org, so the
 * control plane can verify admin tokens with an issuer built from its environment.
 */
export type JwtIssuerSettings = Omit<JwtIssuer, 'orgId'>

export interface JwtVerifierOptions<I extends JwtIssuerSettings> {
  readonly issuers: readonly I[]
  /** Remote key sets; pass the process's long-lived cache so verifiers built per snapshot share warm keys. */
  readonly jwksCache?: JwksCache
  readonly now?: () => number
  /** A longer token is refused before any parsing. */
  readonly maxTokenBytes?: number
  /** Tokens that verified are remembered (see `VerifiedTokenCache`); `false` verifies every time. */
  readonly verifiedTokens?: Partial<VerifiedTokenSettings> | false
}

export interface VerifiedTokenSettings {
  readonly maxEntries: number
  /**
   * How long a verified token is trusted without verifying it again (never past its `exp`). It
   * bounds how long a key the issuer withdrew keeps working for a token already seen.
   */
  readonly maxAgeMs: number
}

const DEFAULT_VERIFIED_TOKENS: VerifiedTokenSettings = { maxEntries: 10_000, maxAgeMs: 60_000 }

export interface VerifiedJwt<I extends JwtIssuerSettings> {
  /** The configured issuer that signed the token (the object passed in). */
  readonly issuer: I
  readonly identity: JwtIdentity
  readonly claims: JWTPayload
  readonly expiresAtMs: number
}

export interface JwtVerifier<I extends JwtIssuerSettings> {
  /** Verifies a compact JWS; throws `JwtVerificationError` with a reason the caller may see. */
  verify(token: string): Promise<VerifiedJwt<I>>
}

const DEFAULT_MAX_TOKEN_BYTES = 16 * 1024

/**
 * Headers that would let a token choose its own verification key. jose never follows them,
 * and neither do we; a token that carries one is refused outright rather than half-trusted.
 */
const KEY_REFERENCE_HEADERS = ['jku', 'x5u', 'x5c', 'jwk'] as const

/** Key candidates tried when a token without `kid` matches several keys of an issuer. */
const MAX_KEY_CANDIDATES = 4

interface CompiledIssuer<I> {
  readonly settings: I
  readonly keys: KeyResolver
  readonly options: Omit<JWTVerifyOptions, 'currentDate'>
}

/**
 * A verifier of bearer JWTs against configured issuers. The token's unverified `iss` (and, if
 * several issuers share it, `aud`) only chooses which issuer's keys and rules apply; everything
 * is then verified: signature with the issuer's keys and pinned algorithms, `iss`, `aud`, `exp`
 * (required) and `nbf` with the issuer's clock tolerance.
 */
export function createJwtVerifier<I extends JwtIssuerSettings>(options: JwtVerifierOptions<I>): JwtVerifier<I> {
  const jwksCache = options.jwksCache ?? new JwksCache()
  const now = options.now ?? Date.now
  const maxTokenBytes = options.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES
  const remembered =
    options.verifiedTokens === false
      ? null
      : new VerifiedTokenCache<I>({ ...DEFAULT_VERIFIED_TOKENS, ...options.verifiedTokens })
  const byIss = new Map<string, CompiledIssuer<I>[]>()
  for (const settings of options.issuers) {
    const compiled = compileIssuer(settings, jwksCache)
    byIss.set(settings.issuer, [...(byIss.get(settings.issuer) ?? []), compiled])
  }

  return {
    async verify(token) {
      if (token.length > maxTokenBytes) {
        throw new JwtVerificationError('token_too_large', `The token is longer than ${maxTokenBytes} bytes.`)
      }
      const nowMs = now()
      const known = remembered?.get(token, nowMs)
      if (known) return known
      const { header, claims } = peek(token)
      const issuer = chooseIssuer(byIss, claims)
      for (const name of KEY_REFERENCE_HEADERS) {
        if (Object.hasOwn(header, name)) {
          throw new JwtVerificationError(
            'untrusted_key_reference',
            `The token's \`${name}\` header is not accepted: keys come only from the issuer's configuration.`,
          )
        }
      }
      // Checked before any key lookup, so `alg: none` or HS256 tokens never cause a JWKS fetch.
      if (typeof header.alg !== 'string' || !issuer.settings.algorithms.some((alg) => alg === header.alg)) {
        throw new JwtVerificationError(
          'algorithm_not_allowed',
          `The token's signing algorithm is not accepted for this issuer (accepted: ${issuer.settings.algorithms.join(', ')}).`,
        )
      }
      const verifyOptions: JWTVerifyOptions = { ...issuer.options, currentDate: new Date(nowMs) }
      const verified = await verifyWithKeys(token, issuer.keys, verifyOptions)
      const result: VerifiedJwt<I> = {
        issuer: issuer.settings,
        identity: mapIdentity(verified, issuer.settings.claims),
        claims: verified,
        // `exp` is a required claim, checked by jwtVerify.
        expiresAtMs: (verified.exp ?? 0) * 1000,
      }
      remembered?.remember(token, result, nowMs)
      return result
    },
  }
}

/**
 * Tokens that verified, so a client that sends the same token on every request pays for the
 * signature once (150 to 250 µs) and a map read after. Only valid tokens get in, so a flood of
 * bad ones cannot fill it; the oldest entry goes first.
 */
class VerifiedTokenCache<I extends JwtIssuerSettings> {
  readonly #settings: VerifiedTokenSettings
  readonly #entries = new Map<string, { readonly verified: VerifiedJwt<I>; readonly trustedUntilMs: number }>()

  constructor(settings: VerifiedTokenSettings) {
    this.#settings = settings
  }

  get(token: string, nowMs: number): VerifiedJwt<I> | undefined {
    const entry = this.#entries.get(token)
    if (entry === undefined) return undefined
    if (nowMs < entry.trustedUntilMs) return entry.verified
    this.#entries.delete(token)
    return undefined
  }

  remember(token: string, verified: VerifiedJwt<I>, nowMs: number): void {
    if (this.#settings.maxEntries <= 0) return
    if (this.#entries.size >= this.#settings.maxEntries) {
      const oldest = this.#entries.keys().next()
      if (!oldest.done) this.#entries.delete(oldest.value)
    }
    // jose accepts a token until `exp` plus the clock tolerance; we stop earlier, never later.
    const trustedUntilMs = Math.min(verified.expiresAtMs, nowMs + this.#settings.maxAgeMs)
    this.#entries.set(token, { verified, trustedUntilMs })
  }
}

function compileIssuer<I extends JwtIssuerSettings>(settings: I, jwksCache: JwksCache): CompiledIssuer<I> {
  const source = settings.keySource
  const keys: KeyResolver =
    source.kind === 'jwks_url'
      ? jwksCache.resolverFor(settings.id, source.jwksUrl)
      : createLocalJWKSet(publicSigningKeys({ keys: source.keys }))
  return {
    settings,
    keys,
    options: {
      issuer: settings.issuer,
      audience: [...settings.audiences],
      algorithms: [...settings.algorithms],
      clockTolerance: settings.clockToleranceSec,
      requiredClaims: ['exp'],
    },
  }
}

function peek(token: string): { header: Record<string, unknown>; claims: JWTPayload } {
  try {
    return { header: decodeProtectedHeader(token) as Record<string, unknown>, claims: decodeJwt(token) }
  } catch {
    throw new JwtVerificationError('malformed_token', 'The bearer token is not a well-formed JWT.')
  }
}

function chooseIssuer<I>(byIss: ReadonlyMap<string, CompiledIssuer<I>[]>, claims: JWTPayload): CompiledIssuer<I> {
  const candidates = typeof claims.iss === 'string' ? (byIss.get(claims.iss) ?? []) : []
  const [only] = candidates
  if (only === undefined) throw new JwtVerificationError('unknown_issuer', "The token's issuer is not trusted here.")
  if (candidates.length === 1) return only
  // Several issuers share this `iss` (say, one identity provider for two orgs): the audience decides.
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? [])
  const matching = candidates.filter((issuer) =>
    (issuer.options.audience as string[]).some((audience) => audiences.includes(audience)),
  )
  const [chosen] = matching
  if (chosen === undefined) {
    throw new JwtVerificationError('audience_mismatch', 'The token was not issued for this service (audience).')
  }
  if (matching.length > 1) {
    throw new JwtVerificationError('ambiguous_issuer', "The token's issuer and audience match more than one issuer.")
  }
  return chosen
}

async function verifyWithKeys(token: string, keys: KeyResolver, options: JWTVerifyOptions): Promise<JWTPayload> {
  try {
    return (await jwtVerify(token, keys, options)).payload
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw asVerificationError(error)
    // No `kid` and several keys of the right type: try each (jose's documented pattern), a few at most.
    let tried = 0
    for await (const key of error as unknown as AsyncIterable<CryptoKey>) {
      if (++tried > MAX_KEY_CANDIDATES) break
      try {
        return (await jwtVerify(token, key, options)).payload
      } catch (candidateError) {
        if (!(candidateError instanceof errors.JWSSignatureVerificationFailed))
          throw asVerificationError(candidateError)
      }
    }
    throw new JwtVerificationError('invalid_signature', "The token's signature does not verify.")
  }
}

/** Maps jose's errors to our reasons; the messages are ours, so nothing of the token leaks. */
function asVerificationError(error: unknown): JwtVerificationError {
  if (error instanceof JwtVerificationError) return error
  if (error instanceof errors.JWTExpired) {
    return new JwtVerificationError('token_expired', 'The token has expired.')
  }
  if (error instanceof errors.JWTClaimValidationFailed) return claimError(error)
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new JwtVerificationError('invalid_signature', "The token's signature does not verify.")
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new JwtVerificationError('algorithm_not_allowed', "The token's signing algorithm is not accepted.")
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JOSENotSupported) {
    return new JwtVerificationError('unknown_signing_key', "The token's signing key is not one of the issuer's keys.")
  }
  // jose's own structural errors, and anything else that went wrong reading an untrusted token.
  return new JwtVerificationError('malformed_token', 'The bearer token is not a well-formed JWT.', {
    cause: error instanceof errors.JOSEError ? undefined : error,
  })
}

function claimError(error: InstanceType<typeof errors.JWTClaimValidationFailed>): JwtVerificationError {
  if (error.reason === 'missing') {
    return new JwtVerificationError('missing_claim', `The token has no \`${error.claim}\` claim.`)
  }
  switch (error.claim) {
    case 'nbf':
      return new JwtVerificationError('token_not_yet_valid', 'The token is not valid yet (nbf).')
    case 'aud':
      return new JwtVerificationError('audience_mismatch', 'The token was not issued for this service (audience).')
    case 'iss':
      return new JwtVerificationError('issuer_mismatch', "The token's issuer is not trusted here.")
    default:
      return new JwtVerificationError('invalid_claim', `The token's \`${error.claim}\` claim is not valid.`)
  }
}
