export {
  type Database,
  type DatabaseHandle,
  openPglite,
  openPostgres,
  type PostgresOptions,
  type Schema,
} from './database.ts'
export { orgs, projects, snapshotRevisions, teams } from './schema/index.ts'
