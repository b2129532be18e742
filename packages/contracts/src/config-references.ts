import type { z } from 'zod'
import { CONFIG_ROLE_KEYS } from './config-identity.ts'

// Cross-reference checks for the config file. They run even when parts of the file failed their
// shape (so one run reports every problem), which is why they read the value defensively: an
// entry that failed its own schema may hold anything, and its own error is reported already.

type Entry = Record<string, unknown>
type Path = (string | number)[]
type Section =
  | 'providers'
  | 'models'
  | 'routes'
  | 'orgs'
  | 'teams'
  | 'projects'
  | 'users'
  | 'jwtIssuers'
  | 'keys'
  | 'budgets'
  | 'rateLimits'

const SINGULAR: Record<Section, string> = {
  providers: 'provider',
  models: 'model',
  routes: 'route',
  orgs: 'org',
  teams: 'team',
  projects: 'project',
  users: 'user',
  jwtIssuers: 'JWT issuer',
  keys: 'key',
  budgets: 'budget',
  rateLimits: 'rate limit',
}

const isEntry = (value: unknown): value is Entry => typeof value === 'object' && value !== null && !Array.isArray(value)
const entriesOf = (value: unknown): Entry[] => (Array.isArray(value) ? value.map((e) => (isEntry(e) ? e : {})) : [])
const stringsOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])

class ReferenceChecker {
  readonly #config: Entry
  readonly #ctx: z.RefinementCtx
  readonly #names = new Map<Section, Map<string, number>>()

  constructor(config: Entry, ctx: z.RefinementCtx) {
    this.#config = config
    this.#ctx = ctx
  }

  entries(section: Section): Entry[] {
    return entriesOf(this.#config[section])
  }

  /** Indexes a section by name (users: by subject), reporting duplicates at the later entry. */
  index(section: Section): void {
    const field = section === 'users' ? 'subject' : 'name'
    const names = new Map<string, number>()
    this.entries(section).forEach((entry, i) => {
      const name = entry[field]
      if (typeof name !== 'string') return
      const first = names.get(name)
      if (first === undefined) names.set(name, i)
      else
        this.report(
          [section, i, field],
          `duplicate ${SINGULAR[section]} ${field} "${name}" (already used by ${section}[${first}])`,
        )
    })
    this.#names.set(section, names)
  }

  count(section: Section): number {
    return this.#names.get(section)?.size ?? 0
  }

  /** Reports `value` unless it names an entry of `section`. Returns whether it does. */
  expect(section: Section, value: unknown, path: Path): value is string {
    if (typeof value !== 'string') return false
    const names = this.#names.get(section) ?? new Map<string, number>()
    if (names.has(value)) return true
    const known = [...names.keys()]
    const hint = known.length === 0 ? `no ${section} are declared` : `expected one of: ${listOf(known)}`
    this.report(path, `unknown ${SINGULAR[section]} ${JSON.stringify(value)} (${hint})`)
    return false
  }

  expectModels(value: unknown, path: Path): void {
    stringsOf(value).forEach((model, i) => {
      this.expect('models', model, [...path, i])
    })
  }

  entryNamed(section: Section, name: string): Entry | undefined {
    const index = this.#names.get(section)?.get(name)
    return index === undefined ? undefined : this.entries(section)[index]
  }

  report(path: Path, message: string): void {
    this.#ctx.addIssue({ code: 'custom', message, path })
  }
}

function listOf(names: string[]): string {
  return names.length <= 12 ? names.join(', ') : `${names.slice(0, 12).join(', ')}, … (${names.length - 12} more)`
}

function checkModels(check: ReferenceChecker): void {
  check.entries('models').forEach((model, m) => {
    const deployments = entriesOf(model.deployments)
    const seen = new Map<string, number>()
    deployments.forEach((deployment, d) => {
      const path = ['models', m, 'deployments', d]
      check.expect('providers', deployment.provider, [...path, 'provider'])
      if (typeof deployment.provider !== 'string' || typeof deployment.model !== 'string') return
      const key = `${deployment.provider}/${deployment.model}`
      const first = seen.get(key)
      if (first === undefined) seen.set(key, d)
      else check.report(path, `duplicate deployment ${key} (already listed at deployments[${first}])`)
    })
    if (deployments.length > 0 && deployments.every((deployment) => deployment.weight === 0)) {
      check.report(['models', m, 'deployments'], 'at least one deployment needs a weight above 0')
    }
    if (model.route !== undefined) check.expect('routes', model.route, ['models', m, 'route'])
  })
  check.entries('routes').forEach((route, r) => {
    check.expectModels(route.fallbacks, ['routes', r, 'fallbacks'])
  })
}

function checkTenancy(check: ReferenceChecker): void {
  check.entries('teams').forEach((team, t) => {
    check.expect('orgs', team.org, ['teams', t, 'org'])
    check.expectModels(team.allowedModels, ['teams', t, 'allowedModels'])
  })
  check.entries('projects').forEach((project, p) => {
    check.expect('teams', project.team, ['projects', p, 'team'])
  })
  check.entries('keys').forEach((key, k) => {
    check.expect('teams', key.team, ['keys', k, 'team'])
    if (key.project !== undefined && check.expect('projects', key.project, ['keys', k, 'project'])) {
      const owner = check.entryNamed('projects', key.project)?.team
      if (typeof owner === 'string' && typeof key.team === 'string' && owner !== key.team) {
        check.report(['keys', k, 'project'], `project "${key.project}" belongs to team "${owner}", not "${key.team}"`)
      }
    }
    check.expectModels(key.allowedModels, ['keys', k, 'allowedModels'])
    if (key.owner !== undefined) check.expect('users', key.owner, ['keys', k, 'owner'])
  })
}

function checkIdentity(check: ReferenceChecker): void {
  check.entries('users').forEach((user, u) => {
    entriesOf(user.roles).forEach((role, r) => {
      const key = CONFIG_ROLE_KEYS[String(role.role) as keyof typeof CONFIG_ROLE_KEYS]
      if (key === undefined) return
      const path = ['users', u, 'roles', r, key]
      if (typeof role.org === 'string') check.expect('orgs', role.org, path)
      if (typeof role.team === 'string') check.expect('teams', role.team, path)
    })
  })
  const issuers = new Map<string, number>()
  check.entries('jwtIssuers').forEach((issuer, i) => {
    check.expect('orgs', issuer.org, ['jwtIssuers', i, 'org'])
    if (typeof issuer.issuer !== 'string') return
    const first = issuers.get(issuer.issuer)
    if (first === undefined) issuers.set(issuer.issuer, i)
    else
      check.report(
        ['jwtIssuers', i, 'issuer'],
        `duplicate issuer ${JSON.stringify(issuer.issuer)} (already used by jwtIssuers[${first}]); a token names one issuer`,
      )
  })
}

const SCOPE_SECTIONS: Partial<Record<string, Section>> = {
  key: 'keys',
  team: 'teams',
  project: 'projects',
  model: 'models',
}

/** The org a key, team or project scope belongs to; undefined for other scopes or dangling names. */
function impliedOrg(check: ReferenceChecker, scope: Entry): string | undefined {
  const orgOfTeam = (team: unknown) => (typeof team === 'string' ? check.entryNamed('teams', team)?.org : undefined)
  const name = String(scope.name)
  let org: unknown
  if (scope.kind === 'team') org = orgOfTeam(name)
  if (scope.kind === 'key') org = orgOfTeam(check.entryNamed('keys', name)?.team)
  if (scope.kind === 'project') org = orgOfTeam(check.entryNamed('projects', name)?.team)
  return typeof org === 'string' ? org : undefined
}

/**
 * Checks a budget's or limit's `org`: it names an org, agrees with the org its scope implies, and
 * is given when the scope implies none and the file declares several orgs. (With none declared,
 * the apply takes the database's org if there is exactly one.)
 */
function checkOwningOrg(check: ReferenceChecker, entry: Entry, path: Path): void {
  const org = entry.org
  if (org !== undefined && !check.expect('orgs', org, [...path, 'org'])) return
  if (!isEntry(entry.scope) || typeof entry.scope.kind !== 'string') return
  const implied = ['key', 'team', 'project'].includes(entry.scope.kind) ? impliedOrg(check, entry.scope) : undefined
  if (typeof org === 'string' && implied !== undefined && implied !== org) {
    check.report(
      [...path, 'org'],
      `${entry.scope.kind} ${String(entry.scope.name)} belongs to org "${implied}", not "${org}"`,
    )
  }
  const isImplied = ['key', 'team', 'project'].includes(entry.scope.kind)
  if (org === undefined && !isImplied && check.count('orgs') > 1) {
    check.report(
      path,
      `a ${entry.scope.kind} scope needs org: <name> when several orgs are declared (${check.count('orgs')} are)`,
    )
  }
}

/** Checks a parsed scope (`{ kind, name }`); an unparsed one failed its own schema and is skipped. */
function checkScope(check: ReferenceChecker, scope: unknown, path: Path): string | undefined {
  if (!isEntry(scope) || typeof scope.kind !== 'string' || typeof scope.name !== 'string') return undefined
  const section = SCOPE_SECTIONS[scope.kind]
  if (section !== undefined) check.expect(section, scope.name, [...path, scope.kind])
  const value = typeof scope.value === 'string' ? `=${scope.value}` : ''
  return `${scope.kind} ${scope.name}${value}`
}

function checkSpend(check: ReferenceChecker): void {
  const seen = new Map<string, number>()
  check.entries('budgets').forEach((budget, b) => {
    const scope = checkScope(check, budget.scope, ['budgets', b, 'scope'])
    checkOwningOrg(check, budget, ['budgets', b])
    if (isEntry(budget.onExceed)) {
      check.expect('models', budget.onExceed.downgradeTo, ['budgets', b, 'onExceed', 'downgradeTo'])
    }
    if (scope === undefined || typeof budget.window !== 'string') return
    const key = `${scope} ${budget.window}`
    const first = seen.get(key)
    if (first === undefined) seen.set(key, b)
    else
      check.report(['budgets', b], `duplicate ${budget.window} budget for ${scope} (already set by budgets[${first}])`)
  })
  check.entries('rateLimits').forEach((limit, l) => {
    checkScope(check, limit.scope, ['rateLimits', l, 'scope'])
    checkOwningOrg(check, limit, ['rateLimits', l])
  })
}

/**
 * Checks that every name the config file references is declared, and that names are unique.
 * Takes `unknown` on purpose: see the note at the top of the file.
 */
export function checkConfigReferences(config: unknown, ctx: z.RefinementCtx): void {
  if (!isEntry(config)) return
  const check = new ReferenceChecker(config, ctx)
  for (const section of Object.keys(SINGULAR) as Section[]) check.index(section)
  checkModels(check)
  checkTenancy(check)
  checkIdentity(check)
  checkSpend(check)
}
