import type { ConfigModel, ConfigProvider } from '@switchyard/contracts'
import { type PricingCatalog, resolvePrice, toModelPrice, vendorFromBaseUrl } from '@switchyard/pricing'
import type { ApplyWarning } from './apply-warning.ts'

/**
 * Fills in catalog prices, as of `at`, for deployments the config gives none; prices the config
 * does give always win. A deployment whose model the catalog does not know keeps no price and
 * gets a warning: its usage is metered at zero until prices are given, and the operator is told.
 * Azure deployments are priced by their deployment name, which only matches when it is the
 * model's own name.
 */
export function priceDeployments(
  models: readonly ConfigModel[],
  providers: readonly ConfigProvider[],
  catalog: PricingCatalog,
  at: Date,
): { models: ConfigModel[]; warnings: ApplyWarning[] } {
  const providerByName = new Map(providers.map((provider) => [provider.name, provider]))
  const warnings: ApplyWarning[] = []
  const priced = models.map((model, modelIndex) => ({
    ...model,
    deployments: model.deployments.map((deployment, deploymentIndex) => {
      if (deployment.prices) return deployment
      const provider = providerByName.get(deployment.provider)
      if (!provider) return deployment
      const vendor = 'baseUrl' in provider && provider.baseUrl ? vendorFromBaseUrl(provider.baseUrl) : undefined
      const price = resolvePrice(catalog, { providerType: provider.type, vendor, model: deployment.model, at })
      if (price) return { ...deployment, prices: toModelPrice(price) }
      warnings.push({
        path: `models[${modelIndex}].deployments[${deploymentIndex}].prices`,
        message: `the pricing catalog has no price for ${provider.type} model "${deployment.model}"; its usage is metered at $0 until prices are given`,
      })
      return deployment
    }),
  }))
  return { models: priced, warnings }
}
