import { z } from 'zod'
import { ModelName } from './entity-name.ts'

/** Asymmetric algorithms only: a pod verifies tokens, it never holds a key that could sign one. */
export const JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const
export const JwtAlgorithm = z.enum(JWT_ALGORITHMS)
export type JwtAlgorithm = z.infer<typeof JwtAlgorithm>

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const

/** A public JSON Web Key. Private or symmetric key material is refused. */
export const PublicJwk = z
  .looseObject({
    kty: z.enum(['RSA', 'EC', 'OKP']),
    kid: z.string().min(1).optional(),
    alg: z.string().optional(),
    use: z.literal('sig').optional(),
  })
  .refine((jwk) => PRIVATE_JWK_MEMBERS.every((member) => !(member in jwk)), {
    error: 'must be a public key (private key members are not allowed)',
  })
export type PublicJwk = z.infer<typeof PublicJwk>

/** Where the issuer's verification keys come from. */
export const JwtKeySource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('jwks_url'), jwksUrl: z.url({ protocol: /^https?$/ }) }),
  z.strictObject({ kind: z.literal('static'), keys: z.array(PublicJwk).min(1) }),
])
export type JwtKeySource = z.infer<typeof JwtKeySource>

/**
 * Which claims carry the caller's identity. Claim names may be dotted paths into nested claims
 * (`realm_access.roles`). The team claim's value is matched against team names in the issuer's org.
 */
export const JwtClaimMapping = z.strictObject({
  user: z.string().min(1),
  team: z.string().min(1).nullable(),
  roles: z.string().min(1).nullable(),
  /**
   * Models each role may call: a caller may call the models of any role it holds (within its
   * team's allow-list). Absent: roles do not restrict models. Present: a caller holding none of
   * the roles listed may call no model.
   */
  roleAllowedModels: z.record(z.string().min(1).max(128), z.array(ModelName)).optional(),
})
export type JwtClaimMapping = z.infer<typeof JwtClaimMapping>

/** An identity provider whose tokens the gateway accepts in place of a virtual key. */
export const JwtIssuer = z.strictObject({
  id: z.string().min(1).max(128),
  orgId: z.string().min(1).max(128),
  /** Exact `iss` claim value. */
  issuer: z.string().min(1),
  audiences: z.array(z.string().min(1)).min(1),
  keySource: JwtKeySource,
  algorithms: z.array(JwtAlgorithm).min(1),
  claims: JwtClaimMapping,
  clockToleranceSec: z.int().nonnegative().max(300),
})
export type JwtIssuer = z.infer<typeof JwtIssuer>
