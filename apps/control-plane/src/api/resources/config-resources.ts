import type { OpenAPIHono } from '@hono/zod-openapi'
import { ConfigError, parseConfigText } from '@switchyard/config'
import { ConfigApplyResponse, type ConfigFile } from '@switchyard/contracts'
import { type Database, orgs } from '@switchyard/db'
import { HttpError } from '@switchyard/http-server'
import type { PricingCatalog } from '@switchyard/pricing'
import { z } from 'zod'
import { type ApplySecrets, applyConfig } from '../../apply/apply-config.ts'
import type { AdminEnv } from '../../auth/admin-auth.ts'
import type { Principal } from '../../auth/principal.ts'
import { exportConfigYaml } from '../../export/export-config.ts'
import type { ChangeKind } from '../../publish/snapshot-publisher.ts'
import { requestIdOf } from '../crud-resource.ts'
import { errorResponses, jsonContent } from '../openapi-shared.ts'
import { readQuery } from '../parse-request.ts'
import { refuse } from './lookups.ts'

export interface ConfigRouteDeps {
  readonly db: Database
  /** Encrypts credentials, hashes keys, and the environment `{ env: NAME }` references read. */
  readonly secrets: ApplySecrets
  readonly pricing: PricingCatalog
  readonly onChange: (kind?: ChangeKind) => void
  /** The revision once every committed change is published; undefined if the bus is too slow to say. */
  readonly publishNow: () => Promise<number | undefined>
}

const ApplyQuery = z.object({
  dryRun: z.enum(['true', 'false']).default('false').describe('Show the diff and change nothing'),
  prune: z.enum(['true', 'false']).default('false').describe('Also delete what the file no longer lists'),
})

/**
 * A config file touches the whole installation (the shared catalog and every org it names), so
 * applying or exporting one takes the bootstrap token or an org admin of every org involved.
 */
async function checkInstallationAdmin(db: Database, principal: Principal, config?: ConfigFile): Promise<void> {
  if (principal.isBootstrap) return
  const existing = await db.select({ id: orgs.id, name: orgs.name }).from(orgs)
  // Creating an org is the bootstrap token's alone, in a file as through the API.
  const createsOrg = (config?.orgs ?? []).some((org) => !existing.some((row) => row.name === org.name))
  const adminsAll = existing.length > 0 && existing.every((org) => principal.isOrgAdmin(org.id))
  if (createsOrg || !adminsAll) {
    throw refuse('Applying or exporting a config file takes the bootstrap token or an org admin of every org.')
  }
}

export function registerConfigRoutes(app: OpenAPIHono<AdminEnv>, deps: ConfigRouteDeps): void {
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/config/apply',
    tags: ['Config as code'],
    security: [{ bearer: [] }],
    summary: 'Apply a config file: idempotent, with a diff, pruning only when asked',
    description:
      'The body is the YAML (or JSON) file. Secrets are named by `{ env: NAME }` and read from the control plane’s environment. Invalid files answer 400 `invalid_config` with every problem in `issues`.',
    request: {
      query: ApplyQuery,
      body: { content: { 'application/yaml': { schema: z.string() } }, required: true },
    },
    responses: { 200: jsonContent(ConfigApplyResponse, 'What changed (or would, on a dry run)'), ...errorResponses },
  })
  app.post('/api/config/apply', async (c) => {
    const principal = c.get('principal')
    const query = readQuery(c, ApplyQuery)
    const text = await c.req.text()
    let config: ConfigFile
    try {
      config = parseConfigText(text, 'request body')
    } catch (error) {
      throw invalidConfig(error)
    }
    await checkInstallationAdmin(deps.db, principal, config)
    const dryRun = query.dryRun === 'true'
    let result: Awaited<ReturnType<typeof applyConfig>>
    try {
      result = await applyConfig(deps.db, config, deps.secrets, {
        dryRun,
        prune: query.prune === 'true',
        actor: principal.actor,
        pricing: { catalog: deps.pricing, at: new Date() },
        sourceName: 'request body',
        ...(requestIdOf(c) === null ? {} : { requestId: requestIdOf(c) ?? '' }),
      })
    } catch (error) {
      throw invalidConfig(error)
    }
    let revision: number | null = null
    if (!dryRun && result.changes.length > 0) {
      deps.onChange('policy')
      revision = (await deps.publishNow()) ?? null
    }
    return c.json(
      ConfigApplyResponse.parse({ dryRun, changes: result.changes, warnings: result.warnings, revision }),
      200,
    )
  })

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/config/export',
    tags: ['Config as code'],
    security: [{ bearer: [] }],
    summary: 'The current state as a config file that applies back to the same state',
    responses: {
      200: {
        description: 'The config file (YAML); secrets as `{ env: NAME }` references only',
        content: { 'application/yaml': { schema: z.string() } },
      },
      ...errorResponses,
    },
  })
  app.get('/api/config/export', async (c) => {
    await checkInstallationAdmin(deps.db, c.get('principal'))
    const yaml = await exportConfigYaml(deps.db)
    return c.body(yaml, 200, { 'content-type': 'application/yaml; charset=utf-8' })
  })
}

/** A config the loader or the apply refused: 400 `invalid_config`, every problem at its path. */
function invalidConfig(error: unknown): unknown {
  if (!(error instanceof ConfigError)) return error
  const first = error.issues[0]
  return new HttpError(400, 'invalid_request_error', error.message, {
    code: 'invalid_config',
    ...(first === undefined ? {} : { param: first.path }),
    extraBody: { issues: error.issues.map(({ path, message }) => ({ path, message })) },
  })
}
