import {
  BudgetScope,
  CONFIG_FILE_VERSION,
  CONFIG_ROLE_KEYS,
  type ConfigFileInput,
  FallbackCondition,
  JwtClaimMapping,
  JwtKeySource,
  ProviderTarget,
  RateLimitScope,
  RetryPolicy,
  RouteCache,
  RouteStrategy,
  RouteTimeouts,
  SnapshotOnExceed,
  Tags,
} from '@switchyard/contracts'
import {
  apiKeys,
  budgets,
  type Database,
  deployments,
  jwtIssuers,
  memberships,
  models,
  orgs,
  projects,
  providers,
  rateLimits,
  routes,
  teams,
  users,
} from '@switchyard/db'
import { stringify } from 'yaml'
import { z } from 'zod'
import { defaultCredentialRefs, keySecretEnvFor, microUsdToUsd } from './export-names.ts'

type Entry<K extends keyof ConfigFileInput> = NonNullable<ConfigFileInput[K]> extends (infer E)[] ? E : never
/** A field left out is absent, not null: what `present` returns. */
type Present<T> = { [K in keyof T]: Exclude<T[K], null | undefined> }

/** Code-unit order, so an export is byte-identical on any machine. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const sortBy = <T>(rows: readonly T[], key: (row: T) => string): T[] =>
  [...rows].sort((a, b) => compare(key(a), key(b)))

/** Leaves out fields whose value is null or undefined, so the file shows only what is set. */
function present<T extends Record<string, unknown>>(entry: T): Present<T> {
  return Object.fromEntries(
    Object.entries(entry).filter(([, value]) => value !== null && value !== undefined),
  ) as Present<T>
}

function lookup(map: ReadonlyMap<string, string>, id: string, what: string): string {
  const name = map.get(id)
  if (name === undefined) throw new Error(`${what} ${id} does not exist`)
  return name
}

const StoredRefs = z.record(z.string(), z.unknown()).nullable()
const StoredPolicy = z.record(z.string(), z.unknown())
// Parsed with the contracts' schemas so fields come out in their declared order, not jsonb's.
const StoredRoutePolicy = z.object({
  strategy: RouteStrategy,
  retries: RetryPolicy,
  timeouts: RouteTimeouts,
  fallbackOn: z.array(FallbackCondition),
  cache: RouteCache.optional(),
})

/**
 * The database's state as a config file: applying it changes nothing. Secrets appear only as
 * the env references they were seeded from; a provider or key made in the admin API gets a
 * variable named after it (see `envVariableFor`). Entries are sorted by name and empty sections
 * left out, so two exports of the same state are identical.
 */
export async function exportConfig(db: Database): Promise<ConfigFileInput> {
  return await db.transaction(async (tx) => {
    const orgRows = await tx.select().from(orgs)
    const teamRows = await tx.select().from(teams)
    const projectRows = await tx.select().from(projects)
    const orgNames = new Map(orgRows.map((row) => [row.id, row.name]))
    const teamNames = new Map(teamRows.map((row) => [row.id, row.name]))
    const projectNames = new Map(projectRows.map((row) => [row.id, row.name]))
    const modelRows = await tx.select().from(models)
    const modelNames = new Map(modelRows.map((row) => [row.id, row.name]))
    const routeRows = await tx.select().from(routes)
    const routeNames = new Map(routeRows.map((row) => [row.id, row.name]))
    const providerRows = await tx.select().from(providers)
    const providerNames = new Map(providerRows.map((row) => [row.id, row.name]))
    const userRows = await tx.select().from(users)
    const userSubjects = new Map(userRows.map((row) => [row.id, row.subject]))
    const keyRows = await tx.select().from(apiKeys)
    const keyNames = new Map(keyRows.map((row) => [row.id, row.name]))
    const deploymentRows = await tx.select().from(deployments)
    const membershipRows = await tx.select().from(memberships)

    const exported: ConfigFileInput = {
      version: CONFIG_FILE_VERSION,
      providers: sortBy(providerRows, (row) => row.name).map((row): Entry<'providers'> => {
        const refs =
          StoredRefs.parse(row.credentialRefs) ?? defaultCredentialRefs(row.type, row.name, row.credentials !== null)
        const { type, ...target } = ProviderTarget.parse({ ...StoredPolicy.parse(row.target), type: row.type })
        return { name: row.name, type, ...target, ...refs } as Entry<'providers'>
      }),
      models: sortBy(modelRows, (row) => row.name).map((row) =>
        present({
          name: row.name,
          route: row.routeId === null ? undefined : lookup(routeNames, row.routeId, 'route'),
          deployments: sortBy(
            deploymentRows.filter((d) => d.modelId === row.id),
            (d) => String(d.position).padStart(10, '0'),
          ).map((d) =>
            present({
              provider: lookup(providerNames, d.providerId, 'provider'),
              model: d.upstreamModel,
              weight: d.weight,
              prices: d.prices as Entry<'models'>['deployments'][number]['prices'],
              limits: (d.limits ?? undefined) as Entry<'models'>['deployments'][number]['limits'],
            }),
          ),
        }),
      ),
      routes: sortBy(routeRows, (row) => row.name).map(
        (row) =>
          ({
            name: row.name,
            ...StoredRoutePolicy.parse(row.policy),
            fallbacks: row.fallbackModelIds.map((id) => lookup(modelNames, id, 'model')),
          }) as Entry<'routes'>,
      ),
      orgs: sortBy(orgRows, (row) => row.name).map((row) => present({ name: row.name, displayName: row.displayName })),
      teams: sortBy(teamRows, (row) => row.name).map((row) =>
        present({
          name: row.name,
          org: lookup(orgNames, row.orgId, 'org'),
          displayName: row.displayName,
          allowedModels: row.allowedModels,
        }),
      ),
      projects: sortBy(projectRows, (row) => row.name).map((row) =>
        present({ name: row.name, team: lookup(teamNames, row.teamId, 'team'), displayName: row.displayName }),
      ),
      users: sortBy(userRows, (row) => row.subject).map((row) =>
        present({
          subject: row.subject,
          email: row.email,
          displayName: row.displayName,
          roles: sortBy(
            membershipRows.filter((m) => m.userId === row.id),
            (m) => `${m.role} ${m.teamId === null ? orgNames.get(m.orgId) : teamNames.get(m.teamId)}`,
          ).map(
            (m) =>
              ({
                [CONFIG_ROLE_KEYS[m.role]]:
                  m.teamId === null ? lookup(orgNames, m.orgId, 'org') : lookup(teamNames, m.teamId, 'team'),
              }) as NonNullable<Entry<'users'>['roles']>[number],
          ),
        }),
      ),
      jwtIssuers: sortBy(await tx.select().from(jwtIssuers), (row) => row.name).map((row) => {
        const keySource = JwtKeySource.parse(row.keySource)
        const claims = JwtClaimMapping.parse(row.claims)
        return present({
          name: row.name,
          org: lookup(orgNames, row.orgId, 'org'),
          issuer: row.issuer,
          audiences: row.audiences,
          ...(keySource.kind === 'jwks_url' ? { jwksUrl: keySource.jwksUrl } : { keys: keySource.keys }),
          algorithms: row.algorithms as Entry<'jwtIssuers'>['algorithms'],
          claims: present({
            user: claims.user,
            team: claims.team,
            roles: claims.roles,
            roleAllowedModels: claims.roleAllowedModels,
          }),
          clockToleranceSec: row.clockToleranceSec,
        }) as Entry<'jwtIssuers'>
      }),
      keys: sortBy(
        keyRows.filter((row) => row.teamId !== null),
        (row) => row.name,
      ).map((row) =>
        present({
          name: row.name,
          secret: { env: row.secretEnv ?? keySecretEnvFor(orgNames.get(row.orgId) ?? '', row.name) },
          team: lookup(teamNames, row.teamId ?? '', 'team'),
          project: row.projectId === null ? undefined : lookup(projectNames, row.projectId, 'project'),
          environment: row.environment,
          user: row.userId,
          allowedModels: row.allowedModels,
          tags: Tags.parse(row.tags),
          expiresAt: row.expiresAt?.toISOString(),
          scopes: row.scopes as Entry<'keys'>['scopes'],
          owner: row.ownerId === null ? undefined : lookup(userSubjects, row.ownerId, 'user'),
        }),
      ),
      budgets: sortBy(await tx.select().from(budgets), (row) => row.name).map((row) => {
        const scope = BudgetScope.parse(row.scope)
        const onExceed = SnapshotOnExceed.parse(row.onExceed)
        return present({
          name: row.name,
          org: scope.kind === 'user' || scope.kind === 'tag' ? lookup(orgNames, row.orgId, 'org') : undefined,
          scope: scopeEntry(scope, { keyNames, teamNames, projectNames, modelNames }),
          window: row.window,
          timeZone: row.timeZone,
          limitUsd: microUsdToUsd(row.limitMicroUsd),
          alertThresholdsPct: row.alertThresholdsPct,
          onExceed:
            onExceed.action === 'reject' ? 'reject' : { downgradeTo: lookup(modelNames, onExceed.modelId, 'model') },
        }) as Entry<'budgets'>
      }),
      rateLimits: sortBy(await tx.select().from(rateLimits), (row) => row.name).map((row) => {
        const scope = RateLimitScope.parse(row.scope)
        return present({
          name: row.name,
          org: scope.kind === 'user' || scope.kind === 'model' ? lookup(orgNames, row.orgId, 'org') : undefined,
          scope: scopeEntry(scope, { keyNames, teamNames, projectNames, modelNames }),
          requestsPerMinute: row.requestsPerMinute,
          tokensPerMinute: row.tokensPerMinute,
        }) as Entry<'rateLimits'>
      }),
    }
    return Object.fromEntries(
      Object.entries(exported).filter(([, section]) => !Array.isArray(section) || section.length > 0),
    ) as ConfigFileInput
  })
}

/** A stored scope (entities by id) as the config file writes it (by name). */
function scopeEntry(
  scope: BudgetScope | RateLimitScope,
  names: Readonly<Record<'keyNames' | 'teamNames' | 'projectNames' | 'modelNames', ReadonlyMap<string, string>>>,
) {
  switch (scope.kind) {
    case 'tag':
      return { tag: { name: scope.name, value: scope.value } }
    case 'user':
      return { user: scope.id }
    case 'key':
      return { key: lookup(names.keyNames, scope.id, 'key') }
    case 'team':
      return { team: lookup(names.teamNames, scope.id, 'team') }
    case 'project':
      return { project: lookup(names.projectNames, scope.id, 'project') }
    case 'model':
      return { model: lookup(names.modelNames, scope.id, 'model') }
  }
}

/** Section order of an exported file: what things are, then who uses them, then their limits. */
const SECTION_ORDER = [
  'version',
  'providers',
  'models',
  'routes',
  'orgs',
  'teams',
  'projects',
  'users',
  'jwtIssuers',
  'keys',
  'budgets',
  'rateLimits',
] as const

/** An exported config as YAML, sections in a fixed order, with a header saying where it came from. */
export function configToYaml(config: ConfigFileInput): string {
  const ordered = Object.fromEntries(
    SECTION_ORDER.filter((section) => config[section] !== undefined).map((section) => [section, config[section]]),
  )
  const header = '# Exported by Switchyard. Secrets are env references only: set each variable before applying.\n'
  return header + stringify(ordered, { lineWidth: 0, aliasDuplicateObjects: false })
}

/** The database's state as config-file YAML; see `exportConfig`. */
export async function exportConfigYaml(db: Database): Promise<string> {
  return configToYaml(await exportConfig(db))
}
