import { PolicySnapshot, SNAPSHOT_SCHEMA_VERSION } from '@switchyard/contracts'

export interface TenancyState {
  readonly orgs: ReadonlyArray<{ id: string; name: string }>
  readonly teams: ReadonlyArray<{ id: string; orgId: string; name: string; allowedModels: string[] | null }>
  readonly projects: ReadonlyArray<{ id: string; teamId: string; name: string }>
}

/**
 * Compiles the control plane's state into the snapshot pods serve from. Pure: the revision and
 * the clock come in as arguments. Sorting by id makes equal states compile to equal bytes.
 * Keys, issuers, the model catalog, limits and budgets join as their tables land.
 */
export function compileSnapshot(state: TenancyState, revision: number, generatedAt: Date): PolicySnapshot {
  const byId = <T extends { id: string }>(rows: ReadonlyArray<T>) => [...rows].sort((a, b) => a.id.localeCompare(b.id))
  return PolicySnapshot.parse({
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    revision,
    generatedAt: generatedAt.toISOString(),
    orgs: byId(state.orgs).map(({ id, name }) => ({ id, name })),
    teams: byId(state.teams).map(({ id, orgId, name, allowedModels }) => ({ id, orgId, name, allowedModels })),
    projects: byId(state.projects).map(({ id, teamId, name }) => ({ id, teamId, name })),
    keys: [],
    jwtIssuers: [],
    providers: [],
    models: [],
    routes: [],
    rateLimits: [],
    budgets: [],
  })
}
