import type { ConfigDeployment, ConfigModel, ModelPrice } from '@switchyard/contracts'
import { type Database, deployments, models } from '@switchyard/db'
import { eq, inArray, sql } from 'drizzle-orm'
import type { ChangeLog } from './change-log.ts'
import { changeOf, idOf, newEntityId } from './row-change.ts'
import { type FieldsOf, writeEntry } from './write-entry.ts'

interface ModelRefs {
  /** An id for every model of the config: existing ones kept, new ones assigned beforehand. */
  readonly modelIds: ReadonlyMap<string, string>
  readonly routeIds: ReadonlyMap<string, string>
  readonly providerIds: ReadonlyMap<string, string>
}

// A deployment neither the config nor the pricing catalog prices (see price-deployments.ts,
// which warns about it) is priced at zero.
const UNPRICED: ModelPrice = { inputMicroUsdPerMTok: 0, outputMicroUsdPerMTok: 0 }

const fieldsOf: FieldsOf = (column) => [column === 'routeId' ? 'route' : column]

/**
 * Upserts models by name and replaces each one's deployments wholesale: the config's list is the
 * whole truth for that model. A deployment keeps its id while (model, provider, upstream model)
 * stays the same, whatever its position or weight; deployments the config no longer lists are
 * deleted. A change to a model's deployments is a change of the model (`deployments`).
 */
export async function applyModels(
  tx: Database,
  log: ChangeLog,
  entries: readonly ConfigModel[],
  refs: ModelRefs,
): Promise<void> {
  const current = new Map((await tx.select().from(models)).map((row) => [row.name, row]))
  for (const model of entries) {
    const id = idOf(refs.modelIds, model.name, 'model')
    await writeEntry(tx, log, {
      table: models,
      target: { section: 'models', name: model.name, resourceType: 'model', resourceId: id, orgId: null, teamId: null },
      current: current.get(model.name),
      values: {
        name: model.name,
        routeId: model.route === undefined ? null : idOf(refs.routeIds, model.route, `model ${model.name} uses route`),
      },
      fieldsOf,
      children: async (modelId) =>
        (await replaceDeployments(tx, modelId, model, refs.providerIds)) ? ['deployments'] : [],
    })
  }
}

/** Makes the model's deployments exactly the config's; returns whether any row changed. */
async function replaceDeployments(
  tx: Database,
  modelId: string,
  model: ConfigModel,
  providerIds: ReadonlyMap<string, string>,
): Promise<boolean> {
  const identity = (providerId: string, upstreamModel: string) => JSON.stringify([providerId, upstreamModel])
  const current = new Map(
    (await tx.select().from(deployments).where(eq(deployments.modelId, modelId))).map((row) => [
      identity(row.providerId, row.upstreamModel),
      row,
    ]),
  )
  const kept = new Set<string>()
  let isChanged = false
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
    isChanged ||= change !== 'unchanged'
  }
  const stale = [...current.values()].map((row) => row.id).filter((id) => !kept.has(id))
  if (stale.length > 0) await tx.delete(deployments).where(inArray(deployments.id, stale))
  return isChanged || stale.length > 0
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
