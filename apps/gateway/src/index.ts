export { createGatewayApp, type GatewayDeps } from './app.ts'
export type { SnapshotSource } from './snapshot/follow-snapshots.ts'
export { type LoadedSnapshot, SnapshotState } from './snapshot/snapshot-state.ts'
export { type GatewayRuntimeDeps, type RunningGateway, startGateway } from './start-gateway.ts'
