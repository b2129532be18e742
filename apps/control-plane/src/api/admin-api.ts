import { OpenAPIHono } from '@hono/zod-openapi'
import { MAX_CONFIG_FILE_BYTES } from '@switchyard/config'
import { AdminIdentity } from '@switchyard/contracts'
import { type Database, memberships, users } from '@switchyard/db'
import { HttpError } from '@switchyard/http-server'
import type { PricingCatalog } from '@switchyard/pricing'
import type { Keyring } from '@switchyard/secrets'
import { eq } from 'drizzle-orm'
import { bodyLimit } from 'hono/body-limit'
import { type AdminEnv, type AdminTokenVerifier, adminAuth } from '../auth/admin-auth.ts'
import type { ChangeKind } from '../publish/snapshot-publisher.ts'
import type { UsageReports } from '../reports/usage-reports.ts'
import { errorResponses, jsonContent } from './openapi-shared.ts'
import { referencePage } from './reference-page.ts'
import { registerAuditLog } from './resources/audit-resources.ts'
import {
  registerDeployments,
  registerModels,
  registerProviders,
  registerRoutes,
} from './resources/catalog-resources.ts'
import { registerConfigRoutes } from './resources/config-resources.ts'
import { registerKeys } from './resources/key-resources.ts'
import { registerMemberships, registerUsers } from './resources/people-resources.ts'
import { registerBudgets, registerJwtIssuers, registerRateLimits } from './resources/policy-resources.ts'
import { registerReports } from './resources/report-resources.ts'
import { registerOrgs, registerProjects, registerTeams } from './resources/tenancy-resources.ts'

export interface AdminApiDeps {
  readonly db: Database
  readonly keyPepper: Buffer
  /** Encrypts provider credentials written through the API. */
  readonly keyring: Keyring
  /** Prices deployments created without prices. */
  readonly pricing: PricingCatalog
  readonly bootstrapToken?: string | undefined
  readonly verifyToken?: AdminTokenVerifier | undefined
  /** Called after every committed change. */
  readonly onChange: (kind?: ChangeKind) => void
  /** Resolves with the revision once every committed change is published. */
  readonly publishNow: () => Promise<number | undefined>
  /** The environment a config file's `{ env: NAME }` secrets are read from. */
  readonly secretsEnv: Readonly<Record<string, string | undefined>>
  /** Largest request body, in bytes. */
  readonly maxBodyBytes?: number
  /** Cost reports over ClickHouse; undefined: the report routes answer 503. */
  readonly reports?: UsageReports | undefined
}

export const OPENAPI_PATH = '/api/openapi.json'

/**
 * The admin REST API under /api: every resource of the control plane, behind admin
 * authentication, documented by an OpenAPI 3.1 document generated from the same zod schemas
 * that parse requests, with an interactive reference at /api/reference.
 */
export function createAdminApi(deps: AdminApiDeps): OpenAPIHono<AdminEnv> {
  const app = new OpenAPIHono<AdminEnv>()
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A token from your IdP, or the bootstrap admin token',
  })
  app.get(OPENAPI_PATH, (c) => c.json(document(app)))
  app.route('/', referencePage(OPENAPI_PATH))

  const maxSize = deps.maxBodyBytes ?? 1024 * 1024
  // A config file may be as large as the loader takes; every other body is small.
  const limitOf = (size: number) =>
    bodyLimit({
      maxSize: size,
      onError: () => {
        throw new HttpError(413, 'invalid_request_error', `The request body is larger than ${size} bytes.`, {
          code: 'request_too_large',
        })
      },
    })
  const configLimit = limitOf(Math.max(maxSize, MAX_CONFIG_FILE_BYTES))
  const bodyLimitOf = limitOf(maxSize)
  app.use('/api/*', (c, next) => (c.req.path === '/api/config/apply' ? configLimit(c, next) : bodyLimitOf(c, next)))
  app.use('/api/*', adminAuth({ db: deps.db, bootstrapToken: deps.bootstrapToken, verifyToken: deps.verifyToken }))

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/me',
    tags: ['People'],
    security: [{ bearer: [] }],
    summary: 'Who you are signed in as, and your roles',
    responses: { 200: jsonContent(AdminIdentity, 'The caller'), ...errorResponses },
  })
  app.get('/api/me', async (c) => {
    const principal = c.get('principal')
    const userId = principal.userId
    const [user] = userId === null ? [] : await deps.db.select().from(users).where(eq(users.id, userId))
    const roles =
      userId === null
        ? []
        : await deps.db
            .select({ orgId: memberships.orgId, teamId: memberships.teamId, role: memberships.role })
            .from(memberships)
            .where(eq(memberships.userId, userId))
    return c.json({
      kind: principal.isBootstrap ? 'bootstrap' : 'user',
      user:
        user === undefined
          ? null
          : {
              id: user.id,
              subject: user.subject,
              email: user.email,
              displayName: user.displayName,
              version: user.version,
              createdAt: user.createdAt.toISOString(),
              updatedAt: user.updatedAt.toISOString(),
            },
      memberships: roles,
    })
  })

  const resourceDeps = { db: deps.db, onChange: deps.onChange }
  registerOrgs(app, resourceDeps)
  registerTeams(app, resourceDeps)
  registerProjects(app, resourceDeps)
  registerUsers(app, resourceDeps)
  registerMemberships(app, resourceDeps)
  registerKeys(app, { ...resourceDeps, keyPepper: deps.keyPepper })
  registerJwtIssuers(app, resourceDeps)
  registerRateLimits(app, resourceDeps)
  registerBudgets(app, resourceDeps)
  const catalogDeps = { ...resourceDeps, keyring: deps.keyring, pricing: deps.pricing }
  registerProviders(app, catalogDeps)
  registerRoutes(app, resourceDeps)
  registerModels(app, catalogDeps)
  registerDeployments(app, catalogDeps)
  registerAuditLog(app, resourceDeps)
  registerReports(app, { reports: deps.reports })
  registerConfigRoutes(app, {
    db: deps.db,
    secrets: { keyring: deps.keyring, keyPepper: deps.keyPepper, env: deps.secretsEnv },
    pricing: deps.pricing,
    onChange: deps.onChange,
    publishNow: deps.publishNow,
  })
  return app
}

function document(app: OpenAPIHono<AdminEnv>) {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Switchyard admin API',
      version: '1',
      description:
        'Manage orgs, teams, projects, people and roles, API keys, app token issuers, rate limits and budgets. Every change is audited and reaches the gateway pods in a policy snapshot within about a second. Errors use the OpenAI error shape.',
    },
    servers: [{ url: '/' }],
  })
}
