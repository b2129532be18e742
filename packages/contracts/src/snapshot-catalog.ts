import { z } from 'zod'
import { DeploymentWeight, UpstreamModel } from './deployment-fields.ts'
import { EncryptedEnvelope } from './encrypted-envelope.ts'
import { EntityName, ModelName } from './entity-name.ts'
import { ModelPrice } from './model-price.ts'
import { ProviderTarget } from './provider-target.ts'
import { routePolicyShape } from './route-policy.ts'
import { SnapshotId } from './snapshot-id.ts'
import { ThroughputLimit } from './throughput-limit.ts'

/** A provider account: where it is, and its secrets encrypted (null when it needs none). */
export const SnapshotProvider = z.strictObject({
  id: SnapshotId,
  name: EntityName,
  target: ProviderTarget,
  credentials: EncryptedEnvelope.nullable(),
})
export type SnapshotProvider = z.infer<typeof SnapshotProvider>

/** One upstream model at one provider, with its resolved prices (catalog or override). */
export const SnapshotDeployment = z.strictObject({
  id: SnapshotId,
  providerId: SnapshotId,
  upstreamModel: UpstreamModel,
  weight: DeploymentWeight,
  prices: ModelPrice,
  limits: ThroughputLimit.nullable(),
})
export type SnapshotDeployment = z.infer<typeof SnapshotDeployment>

export const SnapshotModel = z.strictObject({
  id: SnapshotId,
  name: ModelName,
  /** Null: the built-in route defaults apply. */
  routeId: SnapshotId.nullable(),
  deployments: z.array(SnapshotDeployment).min(1),
})
export type SnapshotModel = z.infer<typeof SnapshotModel>

export const SnapshotRoute = z.strictObject({
  id: SnapshotId,
  name: EntityName,
  ...routePolicyShape,
  fallbackModelIds: z.array(SnapshotId),
})
export type SnapshotRoute = z.infer<typeof SnapshotRoute>
