import { z } from 'zod'
import { DeploymentWeight, UpstreamModel } from './deployment-fields.ts'
import { EntityName, ModelName } from './entity-name.ts'
import { ModelPrice } from './model-price.ts'
import { routePolicyShape } from './route-policy.ts'
import { ThroughputLimit } from './throughput-limit.ts'

export const ConfigDeployment = z.strictObject({
  provider: EntityName.describe('Name of a provider in `providers`'),
  model: UpstreamModel.describe('Model id at the provider'),
  weight: DeploymentWeight.default(1).describe('Share of traffic under the weighted strategy; 0 drains'),
  prices: ModelPrice.optional().describe('Overrides the pricing catalog for this deployment'),
  limits: ThroughputLimit.optional().describe("The provider account's limits for this deployment"),
})
export type ConfigDeployment = z.infer<typeof ConfigDeployment>

/** A virtual model: the name clients ask for, served by one or more deployments. */
export const ConfigModel = z.strictObject({
  name: ModelName.describe('The model name clients send'),
  deployments: z.array(ConfigDeployment).min(1).describe('Where requests for this model go'),
  route: EntityName.optional().describe('Name of a route in `routes`; the default route if absent'),
})
export type ConfigModel = z.infer<typeof ConfigModel>

/** How requests are spread, retried, timed out and failed over. */
export const ConfigRoute = z.strictObject({
  name: EntityName,
  ...routePolicyShape,
  fallbacks: z.array(ModelName).default([]).describe('Models tried in order when every deployment failed'),
})
export type ConfigRoute = z.infer<typeof ConfigRoute>
