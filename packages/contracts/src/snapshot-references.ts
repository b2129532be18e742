import type { z } from 'zod'

// A snapshot whose references dangle would fail inside the pod's compiler instead of at the door,
// so the schema refuses it and the pod keeps serving its last good snapshot. These run only on a
// snapshot whose shape is valid, so they can trust the types.

type Path = (string | number)[]
type Identified = { id: string }

interface SnapshotReferences {
  orgs: Identified[]
  teams: (Identified & { orgId: string })[]
  projects: (Identified & { teamId: string })[]
  keys: (Identified & { orgId: string; teamId: string | null; projectId: string | null })[]
  jwtIssuers: (Identified & { orgId: string })[]
  providers: Identified[]
  models: (Identified & {
    name: string
    routeId: string | null
    deployments: (Identified & { providerId: string })[]
  })[]
  routes: (Identified & { fallbackModelIds: string[] })[]
  budgets: (Identified & { scope: { kind: string; id?: string }; onExceed: { action: string; modelId?: string } })[]
  rateLimits: (Identified & { scope: { kind: string; id: string } })[]
}

type Section = keyof SnapshotReferences

function idsOf(snapshot: SnapshotReferences, section: Section, ctx: z.RefinementCtx): Set<string> {
  const ids = new Set<string>()
  snapshot[section].forEach((entry, i) => {
    if (ids.has(entry.id))
      ctx.addIssue({ code: 'custom', message: `duplicate id "${entry.id}"`, path: [section, i, 'id'] })
    ids.add(entry.id)
  })
  return ids
}

const SECTIONS: Section[] = [
  'orgs',
  'teams',
  'projects',
  'keys',
  'jwtIssuers',
  'providers',
  'models',
  'routes',
  'budgets',
  'rateLimits',
]

const SINGULAR: Record<Section, string> = {
  orgs: 'org',
  teams: 'team',
  projects: 'project',
  keys: 'key',
  jwtIssuers: 'JWT issuer',
  providers: 'provider',
  models: 'model',
  routes: 'route',
  budgets: 'budget',
  rateLimits: 'rate limit',
}

const SCOPE_SECTIONS: Partial<Record<string, Section>> = {
  key: 'keys',
  team: 'teams',
  project: 'projects',
  model: 'models',
}

/** Checks that ids are unique per section and that every id referenced is present. */
export function checkSnapshotReferences(snapshot: SnapshotReferences, ctx: z.RefinementCtx): void {
  const ids = new Map<Section, Set<string>>()
  for (const section of SECTIONS) ids.set(section, idsOf(snapshot, section, ctx))
  const expect = (section: Section, id: string | null | undefined, path: Path) => {
    if (id === null || id === undefined || ids.get(section)?.has(id)) return
    ctx.addIssue({ code: 'custom', message: `unknown ${SINGULAR[section]} id "${id}"`, path })
  }
  snapshot.teams.forEach((team, i) => {
    expect('orgs', team.orgId, ['teams', i, 'orgId'])
  })
  snapshot.projects.forEach((project, i) => {
    expect('teams', project.teamId, ['projects', i, 'teamId'])
  })
  snapshot.keys.forEach((key, i) => {
    expect('orgs', key.orgId, ['keys', i, 'orgId'])
    expect('teams', key.teamId, ['keys', i, 'teamId'])
    expect('projects', key.projectId, ['keys', i, 'projectId'])
  })
  snapshot.jwtIssuers.forEach((issuer, i) => {
    expect('orgs', issuer.orgId, ['jwtIssuers', i, 'orgId'])
  })
  const modelNames = new Set<string>()
  snapshot.models.forEach((model, i) => {
    if (modelNames.has(model.name))
      ctx.addIssue({ code: 'custom', message: `duplicate model name "${model.name}"`, path: ['models', i, 'name'] })
    modelNames.add(model.name)
    expect('routes', model.routeId, ['models', i, 'routeId'])
    model.deployments.forEach((deployment, d) => {
      expect('providers', deployment.providerId, ['models', i, 'deployments', d, 'providerId'])
    })
  })
  snapshot.routes.forEach((route, i) => {
    route.fallbackModelIds.forEach((id, f) => {
      expect('models', id, ['routes', i, 'fallbackModelIds', f])
    })
  })
  snapshot.budgets.forEach((budget, i) => {
    const section = SCOPE_SECTIONS[budget.scope.kind]
    if (section !== undefined) expect(section, budget.scope.id, ['budgets', i, 'scope', 'id'])
    expect('models', budget.onExceed.modelId, ['budgets', i, 'onExceed', 'modelId'])
  })
  snapshot.rateLimits.forEach((limit, i) => {
    const section = SCOPE_SECTIONS[limit.scope.kind]
    if (section !== undefined) expect(section, limit.scope.id, ['rateLimits', i, 'scope', 'id'])
  })
}
