import { z } from 'zod'
import { JwtIssuer } from './jwt-issuer.ts'
import { SnapshotModel, SnapshotProvider, SnapshotRoute } from './snapshot-catalog.ts'
import { checkSnapshotReferences } from './snapshot-references.ts'
import { SnapshotBudget, SnapshotRateLimit } from './snapshot-spend.ts'
import { SnapshotKey, SnapshotOrg, SnapshotProject, SnapshotTeam } from './snapshot-tenancy.ts'

export const SNAPSHOT_SCHEMA_VERSION = 1

/**
 * Everything a gateway pod needs to serve, compiled by the control plane from Postgres and
 * published over NATS. A pod applies a snapshot whole (one reference swap) and only if its
 * revision is newer than the one it serves; a snapshot that fails this schema is refused and the
 * last good one keeps serving. Objects are strict: a field this version does not know is a
 * reason to bump `schemaVersion`, not to guess. References between entries use ids; model
 * allow-lists use model names, which is what clients send.
 */
export const PolicySnapshot = z
  .strictObject({
    schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
    /** Monotonically increasing; a pod ignores a revision not above the one it serves. */
    revision: z.int().positive(),
    generatedAt: z.iso.datetime({ offset: true }),
    orgs: z.array(SnapshotOrg),
    teams: z.array(SnapshotTeam),
    projects: z.array(SnapshotProject),
    keys: z.array(SnapshotKey),
    jwtIssuers: z.array(JwtIssuer),
    providers: z.array(SnapshotProvider),
    models: z.array(SnapshotModel),
    routes: z.array(SnapshotRoute),
    rateLimits: z.array(SnapshotRateLimit),
    budgets: z.array(SnapshotBudget),
  })
  .superRefine(checkSnapshotReferences)
export type PolicySnapshot = z.infer<typeof PolicySnapshot>
