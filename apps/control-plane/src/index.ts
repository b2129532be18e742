export { type ControlPlaneDeps, createControlPlaneApp } from './app.ts'
export { applyTenancy, type TenancyApplyResult } from './apply/apply-tenancy.ts'
export { type PublishedSnapshot, publishSnapshot, type SnapshotSink } from './snapshot/publish-snapshot.ts'
export { type ControlPlaneRuntimeDeps, type RunningControlPlane, startControlPlane } from './start-control-plane.ts'
