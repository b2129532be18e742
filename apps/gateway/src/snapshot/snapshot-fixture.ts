import { type PolicySnapshot, SNAPSHOT_SCHEMA_VERSION } from '@switchyard/contracts'
import { compileRuntimePolicy, type RuntimePolicy } from '../policy/runtime-policy.ts'
import type { SnapshotMessage } from './snapshot-state.ts'

/** A valid, nearly empty snapshot as the bus would deliver it; tests override sections. */
export function snapshotMessage(revision: number, override: Record<string, unknown> = {}): SnapshotMessage {
  const snapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    revision,
    generatedAt: '2026-11-01T00:00:00.000Z',
    orgs: [{ id: 'org_1', name: 'acme' }],
    teams: [],
    projects: [],
    keys: [],
    jwtIssuers: [],
    providers: [],
    models: [],
    routes: [],
    rateLimits: [],
    budgets: [],
    ...override,
  }
  return { revision, checksum: `checksum-${revision}`, body: new TextEncoder().encode(JSON.stringify(snapshot)) }
}

/** Compiles without a keyring: for snapshots whose providers carry no credentials. */
export const compileWithoutKeyring = (snapshot: PolicySnapshot): RuntimePolicy =>
  compileRuntimePolicy(snapshot, undefined)
