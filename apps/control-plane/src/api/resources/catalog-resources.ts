import type { OpenAPIHono } from '@hono/zod-openapi'
import {
  Deployment,
  DeploymentCreate,
  DeploymentUpdate,
  EncryptedEnvelope,
  ModelCreate,
  ModelUpdate,
  ModelView,
  Provider,
  ProviderCreate,
  ProviderCredentials,
  ProviderTarget,
  ProviderUpdate,
  RouteCreate,
  RouteUpdate,
  RouteView,
} from '@switchyard/contracts'
import { apiKeys, deployments, models, providers, routes, teams } from '@switchyard/db'
import { type PricingCatalog, resolvePrice, toModelPrice, vendorFromBaseUrl } from '@switchyard/pricing'
import { decryptJson, encryptJson, type Keyring } from '@switchyard/secrets'
import { eq, inArray, type SQL, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { AdminEnv } from '../../auth/admin-auth.ts'
import type { Principal } from '../../auth/principal.ts'
import { defaultCredentialRefs } from '../../export/export-names.ts'
import { newId, type ResourceContext, type ResourceDeps, registerCrud } from '../crud-resource.ts'
import { invalid, stamps } from './lookups.ts'

/*
 * The catalog (providers, routes, models, deployments) is shared by every org of the
 * installation: anyone holding a role reads it, org admins change it.
 */
const catalogRules = {
  ownership: () => ({ orgId: null, teamId: null }),
  canRead: (p: Principal) => p.hasAnyRole,
  canWrite: (p: Principal) => p.isCatalogAdmin,
  visibleTo: (p: Principal): SQL | undefined => (p.hasAnyRole ? undefined : sql`false`),
}

export interface CatalogDeps extends ResourceDeps {
  readonly keyring: Keyring
  readonly pricing: PricingCatalog
}

const MASK = '********' as const

/**
 * Secrets written in the API come from no variable; the variables an export will name for them
 * are recorded, so an exported file applies back unchanged (keeping these credentials).
 */
const refsFor = (type: string, name: string, credentials: Record<string, string> | null | undefined) =>
  credentials === null || credentials === undefined ? null : defaultCredentialRefs(type, name, true)

export function registerProviders(app: OpenAPIHono<AdminEnv>, deps: CatalogDeps): void {
  type Row = typeof providers.$inferSelect
  /** Secrets by name, masked: decrypted only to learn which are set. */
  const masked = (row: Row): Provider['credentials'] => {
    const envelope = EncryptedEnvelope.safeParse(row.credentials)
    if (!envelope.success) return null
    try {
      const { type: _type, ...secrets } = decryptJson(deps.keyring, envelope.data, row.id) as Record<string, unknown>
      return Object.fromEntries(Object.keys(secrets).map((name) => [name, MASK]))
    } catch {
      return { unreadable: MASK }
    }
  }
  const seal = (id: string, type: string, credentials: Record<string, string> | null | undefined) => {
    if (credentials === null || credentials === undefined) return null
    const parsed = ProviderCredentials.safeParse({ ...credentials, type })
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const field = issue?.path.join('.') ?? ''
      throw invalid(`Credentials for a ${type} provider: ${field ? `${field}: ` : ''}${issue?.message}`, 'credentials')
    }
    return encryptJson(deps.keyring, parsed.data, id)
  }
  registerCrud(app, deps, {
    path: 'providers',
    type: 'provider',
    tag: 'Catalog',
    table: providers,
    schemas: { view: Provider, create: ProviderCreate, update: ProviderUpdate, filters: z.object({}) },
    toView: (row: Row) => ({
      id: row.id,
      name: row.name,
      target: ProviderTarget.parse({ ...(row.target as object), type: row.type }),
      credentials: masked(row),
      ...stamps(row),
    }),
    ...catalogRules,
    filter: () => [],
    async prepareCreate(_ctx, input) {
      const id = newId('provider')
      const { type, ...target } = input.target
      return {
        values: {
          id,
          name: input.name,
          type,
          target,
          credentials: seal(id, type, input.credentials),
          credentialRefs: null,
        },
        ownership: { orgId: null, teamId: null },
      }
    },
    async prepareUpdate(_ctx, row, patch) {
      const { type, ...target } = patch.target ?? { ...(row.target as object), type: row.type }
      if (type !== row.type && patch.credentials === undefined) {
        throw invalid(`A provider changing type to ${type} needs its credentials again.`, 'credentials')
      }
      const credentials = patch.credentials === undefined ? row.credentials : seal(row.id, type, patch.credentials)
      return {
        name: patch.name ?? row.name,
        type,
        target,
        credentials,
        credentialRefs:
          patch.credentials === undefined
            ? row.credentialRefs
            : refsFor(type, patch.name ?? row.name, patch.credentials),
      }
    },
  })
}

async function checkModelIds(ctx: ResourceContext, ids: readonly string[], param: string): Promise<void> {
  if (ids.length === 0) return
  const found = await ctx.tx
    .select({ id: models.id })
    .from(models)
    .where(inArray(models.id, [...ids]))
  const missing = ids.filter((id) => !found.some((row) => row.id === id))
  if (missing.length > 0)
    throw invalid(`No model with id ${missing.map((id) => JSON.stringify(id)).join(', ')}.`, param)
}

export function registerRoutes(app: OpenAPIHono<AdminEnv>, deps: ResourceDeps): void {
  type Row = typeof routes.$inferSelect
  type Policy = Pick<z.infer<typeof RouteView>, 'strategy' | 'retries' | 'timeouts' | 'fallbackOn' | 'cache'>
  registerCrud(app, deps, {
    path: 'routes',
    type: 'route',
    tag: 'Catalog',
    table: routes,
    schemas: { view: RouteView, create: RouteCreate, update: RouteUpdate, filters: z.object({}) },
    toView: (row: Row) => ({
      id: row.id,
      name: row.name,
      ...(row.policy as Policy),
      fallbackModelIds: row.fallbackModelIds,
      ...stamps(row),
    }),
    ...catalogRules,
    filter: () => [],
    async prepareCreate(ctx, input) {
      await checkModelIds(ctx, input.fallbackModelIds, 'fallbackModelIds')
      const { name, fallbackModelIds, ...policy } = input
      return { values: { name, policy, fallbackModelIds }, ownership: { orgId: null, teamId: null } }
    },
    async prepareUpdate(ctx, row, patch) {
      if (patch.fallbackModelIds !== undefined) await checkModelIds(ctx, patch.fallbackModelIds, 'fallbackModelIds')
      const { name, fallbackModelIds, ...policyPatch } = patch
      const current = row.policy as Policy
      const policy: Record<string, unknown> = {
        ...current,
        ...Object.fromEntries(Object.entries(policyPatch).filter(([, v]) => v !== undefined)),
      }
      // `cache: null` removes the route's cache; a stored policy never holds a null cache.
      if (policy.cache === null) delete policy.cache
      return {
        name: name ?? row.name,
        policy,
        fallbackModelIds: fallbackModelIds ?? row.fallbackModelIds,
      }
    },
  })
}

export function registerModels(app: OpenAPIHono<AdminEnv>, deps: CatalogDeps): void {
  type Row = typeof models.$inferSelect
  registerCrud(app, deps, {
    path: 'models',
    type: 'model',
    tag: 'Catalog',
    table: models,
    schemas: { view: ModelView, create: ModelCreate, update: ModelUpdate, filters: z.object({}) },
    toView: (row: Row) => ({ id: row.id, name: row.name, routeId: row.routeId, ...stamps(row) }),
    ...catalogRules,
    filter: () => [],
    async prepareCreate(_ctx, input) {
      return { values: { name: input.name, routeId: input.routeId ?? null }, ownership: { orgId: null, teamId: null } }
    },
    async afterCreate(ctx, row, input) {
      for (const [position, deployment] of input.deployments.entries()) {
        const values = await deploymentValues(ctx, deps.pricing, { ...deployment, modelId: row.id, position })
        await ctx.tx.insert(deployments).values({ id: newId('deployment'), ...values })
      }
    },
    prepareUpdate: async (_ctx, row, patch) => ({
      routeId: patch.routeId === undefined ? row.routeId : patch.routeId,
    }),
    async checkDelete(ctx, row) {
      const using = await ctx.tx
        .select({ name: routes.name })
        .from(routes)
        .where(sql`${row.id} = any(${routes.fallbackModelIds})`)
      if (using.length > 0) {
        throw invalid(
          `The model is a fallback of route ${using.map((r) => r.name).join(', ')}; remove it there first.`,
          'id',
        )
      }
      const naming = await ctx.tx
        .select({ name: teams.name })
        .from(teams)
        .where(sql`${row.name} = any(${teams.allowedModels})`)
        .union(
          ctx.tx.select({ name: apiKeys.name }).from(apiKeys).where(sql`${row.name} = any(${apiKeys.allowedModels})`),
        )
      if (naming.length > 0) {
        throw invalid(
          `The model is in the allow-lists of ${naming.map((r) => r.name).join(', ')}; remove it there first.`,
          'id',
        )
      }
    },
  })
}

const DeploymentFilters = z.object({
  modelId: z.string().optional(),
  providerId: z.string().optional(),
})

export function registerDeployments(app: OpenAPIHono<AdminEnv>, deps: CatalogDeps): void {
  type Row = typeof deployments.$inferSelect
  registerCrud(app, deps, {
    path: 'deployments',
    type: 'deployment',
    tag: 'Catalog',
    table: deployments,
    schemas: { view: Deployment, create: DeploymentCreate, update: DeploymentUpdate, filters: DeploymentFilters },
    toView: (row: Row) => ({
      id: row.id,
      modelId: row.modelId,
      providerId: row.providerId,
      upstreamModel: row.upstreamModel,
      weight: row.weight,
      prices: row.prices as z.infer<typeof Deployment>['prices'],
      limits: row.limits as z.infer<typeof Deployment>['limits'],
      position: row.position,
      ...stamps(row),
    }),
    ...catalogRules,
    filter: (query: z.infer<typeof DeploymentFilters>) => [
      query.modelId === undefined ? undefined : eq(deployments.modelId, query.modelId),
      query.providerId === undefined ? undefined : eq(deployments.providerId, query.providerId),
    ],
    async prepareCreate(ctx, input) {
      await checkModelIds(ctx, [input.modelId], 'modelId')
      const siblings = await ctx.tx
        .select({ position: deployments.position })
        .from(deployments)
        .where(eq(deployments.modelId, input.modelId))
      // Appended after the model's deployments unless a position is given.
      const position = input.position ?? Math.max(-1, ...siblings.map((sibling) => sibling.position)) + 1
      return {
        values: await deploymentValues(ctx, deps.pricing, { ...input, position }),
        ownership: { orgId: null, teamId: null },
      }
    },
    async checkDelete(ctx, row) {
      const siblings = await ctx.tx
        .select({ id: deployments.id })
        .from(deployments)
        .where(eq(deployments.modelId, row.modelId))
      if (siblings.length <= 1) {
        throw invalid('This is the model’s last deployment: add another first, or delete the model.', 'id')
      }
    },
    prepareUpdate: async (_ctx, row, patch) => ({
      weight: patch.weight ?? row.weight,
      prices: patch.prices ?? row.prices,
      limits: patch.limits === undefined ? row.limits : patch.limits,
      position: patch.position ?? row.position,
    }),
  })
}

/** A deployment's columns: its provider must exist; without prices, the pricing catalog's. */
async function deploymentValues(
  ctx: ResourceContext,
  pricing: PricingCatalog,
  input: {
    modelId: string
    providerId: string
    upstreamModel: string
    weight: number
    prices?: z.infer<typeof Deployment>['prices'] | undefined
    limits?: z.infer<typeof Deployment>['limits'] | undefined
    position: number
  },
) {
  const [provider] = await ctx.tx.select().from(providers).where(eq(providers.id, input.providerId))
  if (provider === undefined) throw invalid(`No provider with id ${JSON.stringify(input.providerId)}.`, 'providerId')
  return {
    modelId: input.modelId,
    providerId: input.providerId,
    upstreamModel: input.upstreamModel,
    weight: input.weight,
    position: input.position,
    limits: input.limits ?? null,
    prices: input.prices ?? catalogPrice(pricing, provider, input.upstreamModel),
  }
}

/** Prices from the catalog; a model the catalog does not know must be priced, never metered at zero by accident. */
function catalogPrice(pricing: PricingCatalog, provider: typeof providers.$inferSelect, model: string) {
  const target = ProviderTarget.parse({ ...(provider.target as object), type: provider.type })
  const vendor = 'baseUrl' in target && target.baseUrl ? vendorFromBaseUrl(target.baseUrl) : undefined
  const price = resolvePrice(pricing, { providerType: target.type, vendor, model, at: new Date() })
  if (price === undefined) {
    throw invalid(`The pricing catalog has no price for ${provider.type} model "${model}"; give prices.`, 'prices')
  }
  return toModelPrice(price)
}
