export { createIngesterApp, type IngesterDeps } from './app.ts'
export { type IngesterRuntimeDeps, type RunningIngester, startIngester } from './start-ingester.ts'
