export { migrateUsageStore, readUsageStoreMigrations, type UsageStoreMigration } from './migrate.ts'
export {
  type ClickHouseHandle,
  type ClickHouseTarget,
  ClickHouseUnavailableError,
  openClickHouse,
} from './open-clickhouse.ts'
export {
  exactInteger,
  type HiddenCostRow,
  queryDailySpend,
  queryHiddenCosts,
  querySpend,
  queryTokenMix,
  queryUsage,
  type SpendScope,
  type TokenMixRow,
  USAGE_DIMENSION_COLUMNS,
  type UsageDimension,
  type UsageGranularity,
  type UsageMetrics,
  type UsageQuery,
  type UsageRow as UsageReportRow,
  type UsageScope,
} from './report-queries.ts'
export { applyUsageRetention, type UsageRetention } from './usage-retention.ts'
export { type RefreshUsageRollupOptions, type RollupRefresh, refreshUsageRollup } from './usage-rollup.ts'
export { insertUsageRows, toUsageRow, type UsageRow } from './usage-row.ts'
