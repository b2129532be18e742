import type { z } from 'zod'

// Cross-reference checks for the config file. They run even when parts of the file failed their
// shape (so one run reports every problem), which is why they read the value defensively: an
// entry that failed its own schema may hold anything, and its own error is reported already.

type Entry = Record<string, unknown>
type Path = (string | number)[]
type Section = 'providers' | 'models' | 'routes' | 'orgs' | 'teams' | 'projects' | 'keys' | 'budgets' | 'rateLimits'

const SINGULAR: Record<Section, string> = {
  providers: 'provider',
  models: 'model',
  routes: 'route',
  orgs: 'org',
  teams: 'team',
  projects: 'project',
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

  /** Indexes a section by name, reporting duplicates at the later entry. */
  index(section: Section): void {
    const names = new Map<string, number>()
    this.entries(section).forEach((entry, i) => {
      if (typeof entry.name !== 'string') return
      const first = names.get(entry.name)
      if (first === undefined) names.set(entry.name, i)
      else
        this.report(
          [section, i, 'name'],
          `duplicate ${SINGULAR[section]} name "${entry.name}" (already used by ${section}[${first}])`,
        )
    })
    this.#names.set(section, names)
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
  })
}

const SCOPE_SECTIONS: Partial<Record<string, Section>> = {
  key: 'keys',
  team: 'teams',
  project: 'projects',
  model: 'models',
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
  checkSpend(check)
}
