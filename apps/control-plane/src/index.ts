// The diff printer lives in @switchyard/config so the CLI can use it without the control plane's
// database code; re-exported here for the admin API's routes and logs.
export { formatConfigChanges, summariseConfigChanges } from '@switchyard/config'
export { type ControlPlaneDeps, createControlPlaneApp } from './app.ts'
export {
  type ApplyConfigResult,
  type ApplyOptions,
  type ApplySecrets,
  applyConfig,
  type MissingProviderSecretPolicy,
} from './apply/apply-config.ts'
export type { ApplyWarning } from './apply/apply-warning.ts'
export { type Actor, SYSTEM_ACTOR } from './audit/record-audit.ts'
export { configToYaml, exportConfig, exportConfigYaml } from './export/export-config.ts'
export { type PublishedSnapshot, publishSnapshot, type SnapshotSink } from './snapshot/publish-snapshot.ts'
export { type ControlPlaneRuntimeDeps, type RunningControlPlane, startControlPlane } from './start-control-plane.ts'
