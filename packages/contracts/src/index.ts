export { ConfigFile } from './config-file.ts'
export { COUNTER_DELTA_SCHEMA_VERSION, CounterDelta } from './counter-delta.ts'
export { ERROR_TYPES, ErrorBody, type ErrorType, errorBody } from './error-body.ts'
export { PolicySnapshot, SNAPSHOT_SCHEMA_VERSION } from './policy-snapshot.ts'
export { PROVIDER_TYPES, ProviderType } from './provider-id.ts'
export { NatsNames } from './subjects.ts'
export {
  AttemptUsageEvent,
  RequestUsageEvent,
  USAGE_EVENT_SCHEMA_VERSION,
  UsageAttribution,
  UsageEvent,
  UsageStatus,
  UsageTokens,
} from './usage-event.ts'
