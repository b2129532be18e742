export { migrateUsageStore, readUsageStoreMigrations, type UsageStoreMigration } from './migrate.ts'
export {
  type ClickHouseHandle,
  type ClickHouseTarget,
  ClickHouseUnavailableError,
  openClickHouse,
} from './open-clickhouse.ts'
export { insertUsageRows, toUsageRow, type UsageRow } from './usage-row.ts'
