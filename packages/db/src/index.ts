export {
  type Database,
  type DatabaseHandle,
  openPglite,
  openPostgres,
  type PostgresOptions,
  type Schema,
} from './database.ts'
export { API_KEY_STATUSES } from './schema/api-keys.ts'
export { AUDIT_ACTOR_KINDS } from './schema/audit-log.ts'
export {
  apiKeys,
  auditLog,
  budgetAlerts,
  budgets,
  deployments,
  jwtIssuers,
  memberships,
  models,
  orgs,
  projects,
  providers,
  rateLimits,
  routes,
  snapshotRevisions,
  teams,
  users,
} from './schema/index.ts'
export { ADMIN_ROLES, ORG_ROLES } from './schema/users.ts'
