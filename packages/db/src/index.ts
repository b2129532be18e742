export {
  type Database,
  type DatabaseHandle,
  openPglite,
  openPostgres,
  type PostgresOptions,
  type Schema,
} from './database.ts'
export { API_KEY_STATUSES } from './schema/api-keys.ts'
export {
  apiKeys,
  deployments,
  models,
  orgs,
  projects,
  providers,
  routes,
  snapshotRevisions,
  teams,
} from './schema/index.ts'
