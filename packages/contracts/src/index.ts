export {
  ADMIN_ROLES,
  AdminIdentity,
  AdminRole,
  ApiKey,
  ApiKeyCreate,
  ApiKeyCreated,
  ApiKeyUpdate,
  AuditEntryView,
  Budget,
  BudgetCreate,
  BudgetUpdate,
  BulkIds,
  Deployment,
  DeploymentCreate,
  DeploymentUpdate,
  JwtIssuerCreate,
  JwtIssuerUpdate,
  JwtIssuerView,
  ListQuery,
  listOf,
  Membership,
  MembershipCreate,
  ModelCreate,
  ModelUpdate,
  ModelView,
  Org,
  OrgCreate,
  OrgUpdate,
  Project,
  ProjectCreate,
  ProjectUpdate,
  Provider,
  ProviderCreate,
  ProviderUpdate,
  RateLimit,
  RateLimitCreate,
  RateLimitUpdate,
  RouteCreate,
  RouteUpdate,
  RouteView,
  Team,
  TeamCreate,
  TeamUpdate,
  User,
  UserCreate,
  UserUpdate,
} from './admin-api.ts'
export {
  ANTHROPIC_ERROR_TYPES,
  ANTHROPIC_STOP_REASONS,
  AnthropicAssistantBlock,
  AnthropicContentBlock,
  AnthropicCountTokensRequest,
  AnthropicErrorBody,
  AnthropicErrorType,
  AnthropicMessage,
  AnthropicMessageParam,
  AnthropicMessagesRequest,
  AnthropicStopReason,
  AnthropicStreamEvent,
  AnthropicTextBlock,
  AnthropicTool,
  AnthropicToolChoice,
  AnthropicToolUseBlock,
  AnthropicUsage,
  AnthropicUserBlock,
} from './anthropic-messages.ts'
export { AlertThresholdsPct, BUDGET_WINDOWS, BudgetWindow } from './budget-policy.ts'
export {
  CONFIG_SECTIONS,
  ConfigApplyResponse,
  ConfigApplyWarning,
  ConfigChange,
  ConfigSection,
} from './config-change.ts'
export { CONFIG_FILE_VERSION, ConfigFile, type ConfigFileInput } from './config-file.ts'
export {
  CONFIG_ROLE_KEYS,
  ConfigJwtClaims,
  ConfigJwtIssuer,
  ConfigRole,
  ConfigUser,
  UserSubject,
} from './config-identity.ts'
export { ConfigDeployment, ConfigModel, ConfigRoute } from './config-model.ts'
export { ConfigProvider } from './config-provider.ts'
export { ConfigBudget, ConfigOnExceed, ConfigRateLimit } from './config-spend.ts'
export { ConfigKey, ConfigOrg, ConfigProject, ConfigTeam } from './config-tenancy.ts'
export {
  COUNTER_DELTA_MAX_ENTRIES,
  COUNTER_DELTA_SCHEMA_VERSION,
  CounterDelta,
  CounterDeltaEntry,
} from './counter-delta.ts'
export { DeploymentWeight, UpstreamModel } from './deployment-fields.ts'
export { EncryptedEnvelope } from './encrypted-envelope.ts'
export { EntityName, ModelName } from './entity-name.ts'
export { ENV_VAR_NAME_PATTERN, EnvRef, EnvVarName } from './env-ref.ts'
export { ERROR_TYPES, ErrorBody, type ErrorType, errorBody } from './error-body.ts'
export { JWT_ALGORITHMS, JwtAlgorithm, JwtClaimMapping, JwtIssuer, JwtKeySource, PublicJwk } from './jwt-issuer.ts'
export { KEY_OVERLAY_SCHEMA_VERSION, KeyOverlay } from './key-overlay.ts'
export { ModelPrice } from './model-price.ts'
export {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatContentPart,
  ChatMessage,
  ChatResponseFormat,
  ChatTool,
  ChatToolCall,
  ChatToolCallDelta,
  ChatToolChoice,
  ChatUsage,
  EmbeddingsRequest,
  EmbeddingsResponse,
  FINISH_REASONS,
  FinishReason,
} from './openai-chat.ts'
export { PolicySnapshot, SNAPSHOT_SCHEMA_VERSION } from './policy-snapshot.ts'
export { ProviderCredentials } from './provider-credentials.ts'
export { PROVIDER_TYPES, ProviderType } from './provider-id.ts'
export { ProviderTarget } from './provider-target.ts'
export {
  BudgetForecast,
  BudgetForecastQuery,
  BudgetForecastReport,
  CandidateModel,
  ChargebackQuery,
  HiddenCostQuery,
  HiddenCostReport,
  HiddenCostTeam,
  ProviderComparison,
  ProviderComparisonQuery,
  REPORT_DIMENSIONS,
  ReportDimension,
  ReportGranularity,
  TopMetric,
  TopReport,
  TopReportQuery,
  UsageMetricsView,
  UsageReport,
  UsageReportQuery,
  UsageReportRow,
} from './reports-api.ts'
export {
  CACHE_SCOPES,
  CacheScope,
  DEFAULT_FALLBACK_ON,
  FALLBACK_CONDITIONS,
  FallbackCondition,
  RetryPolicy,
  ROUTE_STRATEGIES,
  RouteCache,
  RouteStrategy,
  RouteTimeouts,
} from './route-policy.ts'
export {
  BUDGET_SCOPE_KINDS,
  BudgetScope,
  type BudgetScopeKind,
  ConfigBudgetScope,
  ConfigRateLimitScope,
  RATE_LIMIT_SCOPE_KINDS,
  RateLimitScope,
  type RateLimitScopeKind,
  TagScope,
  Tags,
} from './scope.ts'
export { SnapshotDeployment, SnapshotModel, SnapshotProvider, SnapshotRoute } from './snapshot-catalog.ts'
export { SnapshotId } from './snapshot-id.ts'
export { SnapshotBudget, SnapshotOnExceed, SnapshotRateLimit } from './snapshot-spend.ts'
export {
  KEY_SCOPES,
  KEY_STATUSES,
  KeyScope,
  KeyStatus,
  SnapshotKey,
  SnapshotOrg,
  SnapshotProject,
  SnapshotTeam,
} from './snapshot-tenancy.ts'
export { NatsNames } from './subjects.ts'
export { ThroughputLimit } from './throughput-limit.ts'
export { isIanaTimeZone, TimeZone } from './time-zone.ts'
export { TokenUsage } from './token-usage.ts'
export {
  AttemptUsageEvent,
  RequestUsageEvent,
  USAGE_EVENT_SCHEMA_VERSION,
  UsageAttribution,
  UsageEvent,
  UsageStatus,
  UsageTokens,
} from './usage-event.ts'
export { MicroUsd, parseUsdToMicroUsd, UsdAmount } from './usd-amount.ts'
