import type { ConfigDeployment, ConfigModel, ModelPrice } from '@switchyard/contracts'
import { type Database, deployments, models } from '@switchyard/db'
import { eq, inArray, sql } from 'drizzle-orm'
import { changeOf, countChanges, idOf, newEntityId, type RowChange, type SectionChanges } from './row-change.ts'

export interface DeploymentChanges extends SectionChanges {
  readonly removed: number
}

interface ModelRefs {
  /** An id for every model of the config: existing ones kept, new ones assigned beforehand. */
  readonly modelIds: ReadonlyMap<string, string>
  readonly routeIds: ReadonlyMap<string, string>
  readonly providerIds: ReadonlyMap<string, string>
}

// A deployment neither the config nor the pricing catalog prices (see price-deployments.ts,
// which warns about it) is priced at zero.
const UNPRICED: ModelPrice = { inputMicroUsdPerMTok: 0, outputMicroUsdPerMTok: 0 }

/**
 * Upserts models by name and replaces each one's deployments wholesale: the config's list is the
 * whole truth for that model. A deployment keeps its id while (model, provider, upstream model)
 * stays the same, whatever its position or weight; deployments the config no longer lists are
 * deleted.
 */
export async function applyModels(
  tx: Database,
  entries: readonly ConfigModel[],
  refs: ModelRefs,
): Promise<{ changes: SectionChanges; deployments: DeploymentChanges }> {
  const current = new Map((await tx.select().from(models)).map((row) => [row.name, row]))
  const changes: RowChange[] = []
  const deploymentChanges: RowChange[] = []
  let removed = 0
  for (const model of entries) {
    const row = current.get(model.name)
    const id = idOf(refs.modelIds, model.name, 'model')
    const values = {
      name: model.name,
      routeId: model.route === undefined ? null : idOf(refs.routeIds, model.route, `model ${model.name} uses route`),
    }
    const change = changeOf(row, values)
    if (change === 'created') await tx.insert(models).values({ id, ...values })
    if (change === 'updated')
      await tx
        .update(models)
        .set({ ...values, updatedAt: sql`now()` })
        .where(eq(models.id, id))
    changes.push(change)
    const applied = await replaceDeployments(tx, id, model, refs.providerIds)
    deploymentChanges.push(...applied.changes)
    removed += applied.removed
  }
  return { changes: countChanges(changes), deployments: { ...countChanges(deploymentChanges), removed } }
}

async function replaceDeployments(
  tx: Database,
  modelId: string,
  model: ConfigModel,
  providerIds: ReadonlyMap<string, string>,
): Promise<{ changes: RowChange[]; removed: number }> {
  const identity = (providerId: string, upstreamModel: string) => JSON.stringify([providerId, upstreamModel])
  const current = new Map(
    (await tx.select().from(deployments).where(eq(deployments.modelId, modelId))).map((row) => [
      identity(row.providerId, row.upstreamModel),
      row,
    ]),
  )
  const kept = new Set<string>()
  const changes: RowChange[] = []
  for (const [position, deployment] of model.deployments.entries()) {
    const values = deploymentValues(modelId, position, deployment, providerIds)
    const row = current.get(identity(values.providerId, values.upstreamModel))
    const id = row?.id ?? newEntityId('dep')
    const change = changeOf(row, values)
    if (change === 'created') await tx.insert(deployments).values({ id, ...values })
    if (change === 'updated')
      await tx
        .update(deployments)
        .set({ ...values, updatedAt: sql`now()` })
        .where(eq(deployments.id, id))
    kept.add(id)
    changes.push(change)
  }
  const stale = [...current.values()].map((row) => row.id).filter((id) => !kept.has(id))
  if (stale.length > 0) await tx.delete(deployments).where(inArray(deployments.id, stale))
  return { changes, removed: stale.length }
}

function deploymentValues(
  modelId: string,
  position: number,
  deployment: ConfigDeployment,
  providerIds: ReadonlyMap<string, string>,
) {
  return {
    modelId,
    providerId: idOf(providerIds, deployment.provider, 'a deployment names provider'),
    upstreamModel: deployment.model,
    weight: deployment.weight,
    prices: deployment.prices ?? UNPRICED,
    limits: deployment.limits ?? null,
    position,
  }
}
