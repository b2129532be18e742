export { createIngesterApp, type IngesterDeps } from './app.ts'
export { type IngestOptions, type IngestStats, ingestUsage } from './ingest/ingest-usage.ts'
export { type IngesterRuntimeDeps, type RunningIngester, startIngester } from './start-ingester.ts'
