import { z } from 'zod'
import type { AdminRole } from './admin-api.ts'
import { EntityName, ModelName } from './entity-name.ts'
import { JwtAlgorithm, type JwtKeySource, PublicJwk } from './jwt-issuer.ts'
import { whenPresent } from './when-present.ts'

const DisplayName = z.string().min(1).max(200)

/** A user's `sub` claim: how the config file names a user (key owners refer to it). */
export const UserSubject = z.string().min(1).max(256).describe('The `sub` claim of the user’s tokens from the IdP')

// Written like a scope, one key naming the role and its value the org or team:
// `{ orgAdmin: acme }`, parsed to `{ role: 'org_admin', org: 'acme' }`.
const OrgName = (what: string) => EntityName.describe(`Name of an org in \`orgs\`: ${what}`)
const TeamName = (what: string) => EntityName.describe(`Name of a team in \`teams\`: ${what}`)

/** The keys a role is written with in the config file, by the role they grant. */
export const CONFIG_ROLE_KEYS = {
  org_admin: 'orgAdmin',
  finance_viewer: 'financeViewer',
  team_admin: 'teamAdmin',
  member: 'member',
} as const satisfies Record<AdminRole, string>

/**
 * A role a user holds: on an org (`{ orgAdmin: acme }`, `{ financeViewer: acme }`) or on a team
 * (`{ teamAdmin: search }`, `{ member: search }`).
 */
export const ConfigRole = z.union(
  [
    z
      .strictObject({ orgAdmin: OrgName('manages everything in it') })
      .transform(({ orgAdmin }) => ({ role: 'org_admin' as const, org: orgAdmin })),
    z
      .strictObject({ financeViewer: OrgName('reads its costs and budgets') })
      .transform(({ financeViewer }) => ({ role: 'finance_viewer' as const, org: financeViewer })),
    z
      .strictObject({ teamAdmin: TeamName('manages its projects, keys and limits') })
      .transform(({ teamAdmin }) => ({ role: 'team_admin' as const, team: teamAdmin })),
    z
      .strictObject({ member: TeamName('manages their own keys in it') })
      .transform(({ member }) => ({ role: 'member' as const, team: member })),
  ],
  {
    error: whenPresent(
      'must name exactly one role, like { orgAdmin: <org> }, { financeViewer: <org> }, { teamAdmin: <team> } or { member: <team> }',
    ),
  },
)
export type ConfigRole = z.infer<typeof ConfigRole>

/** A person who signs in to the admin API, and the roles they hold. */
export const ConfigUser = z.strictObject({
  subject: UserSubject,
  email: z.email({ error: whenPresent('must be an email address') }).optional(),
  displayName: DisplayName.optional(),
  roles: z.array(ConfigRole).default([]).describe('Roles on orgs and teams; none if absent'),
})
export type ConfigUser = z.infer<typeof ConfigUser>

const ClaimName = z.string().min(1).max(256)

/** Which token claims carry the caller's identity; dotted paths reach nested claims. */
export const ConfigJwtClaims = z.strictObject({
  user: ClaimName.default('sub').describe('Claim holding the user id requests are attributed to'),
  team: ClaimName.optional().describe('Claim holding a team name of the issuer’s org'),
  roles: ClaimName.optional().describe('Claim holding the caller’s roles'),
  roleAllowedModels: z
    .record(z.string().min(1).max(128), z.array(ModelName))
    .optional()
    .describe('Models each role may call; a caller holding none of the roles listed may call none'),
})

/**
 * An identity provider whose tokens apps may send instead of a virtual key. Keys come from a
 * JWKS URL or are written out (public keys only); parsed to a `keySource` like the snapshot's.
 */
export const ConfigJwtIssuer = z
  .strictObject({
    name: EntityName,
    org: EntityName.describe('Name of an org in `orgs`: callers with these tokens belong to it'),
    issuer: z.string().min(1).describe('Exact `iss` claim value'),
    audiences: z.array(z.string().min(1)).min(1).describe('Accepted `aud` values'),
    jwksUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('Where the issuer publishes its keys'),
    keys: z.array(PublicJwk).min(1).optional().describe('The issuer’s public keys, written out (JWK)'),
    algorithms: z.array(JwtAlgorithm).min(1).default(['RS256']).describe('Accepted signature algorithms'),
    claims: ConfigJwtClaims.default({ user: 'sub' }),
    clockToleranceSec: z.int().nonnegative().max(300).default(30).describe('Allowed clock skew, seconds'),
  })
  .superRefine((issuer, ctx) => {
    if ((issuer.jwksUrl === undefined) === (issuer.keys === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of jwksUrl or keys', path: [] })
    }
  })
  .transform(({ jwksUrl, keys, claims, ...issuer }) => ({
    ...issuer,
    keySource: (jwksUrl === undefined
      ? { kind: 'static', keys: keys ?? [] }
      : { kind: 'jwks_url', jwksUrl }) satisfies JwtKeySource as JwtKeySource,
    claims: {
      user: claims.user,
      team: claims.team ?? null,
      roles: claims.roles ?? null,
      ...(claims.roleAllowedModels === undefined ? {} : { roleAllowedModels: claims.roleAllowedModels }),
    },
  }))
export type ConfigJwtIssuer = z.infer<typeof ConfigJwtIssuer>
