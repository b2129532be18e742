export { orgs, projects, snapshotRevisions, teams } from './tenancy.ts'
