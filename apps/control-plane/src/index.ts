export { type ControlPlaneDeps, createControlPlaneApp } from './app.ts'
export {
  type ApplyConfigResult,
  type ApplyOptions,
  type ApplySecrets,
  applyConfig,
  type MissingProviderSecretPolicy,
} from './apply/apply-config.ts'
export type { ApplyWarning } from './apply/apply-warning.ts'
export { type PublishedSnapshot, publishSnapshot, type SnapshotSink } from './snapshot/publish-snapshot.ts'
export { type ControlPlaneRuntimeDeps, type RunningControlPlane, startControlPlane } from './start-control-plane.ts'
