-- The hourly rollup the reports read: one row per hour and attribution × model × provider ×
-- status group. It is NOT fed by an insert-triggered materialized view: such a view sums every
-- inserted block, so an event the ingester re-delivers would be counted twice for ever, while the
-- raw table collapses it. Instead `refreshUsageRollup` recomputes every hour that received
-- events since its last run from `usage_events FINAL` (exact, deduplicated by id) and inserts the
-- hour's groups again; ReplacingMergeTree keeps the latest computation of each group (reports
-- read it with FINAL). See docs/reports.md.
CREATE TABLE IF NOT EXISTS {db}.usage_hourly
(
    hour DateTime('UTC'),
    org_id LowCardinality(String),
    team_id LowCardinality(String),
    project_id LowCardinality(String),
    environment LowCardinality(String),
    cost_center LowCardinality(String),
    user_id String,
    key_id String,
    kind LowCardinality(String),
    endpoint LowCardinality(String),
    requested_model LowCardinality(String),
    provider_type LowCardinality(String),
    provider_id LowCardinality(String),
    upstream_model LowCardinality(String),
    deployment_id LowCardinality(String),
    status LowCardinality(String),
    -- An attempt after the first of its request on the same model (a retry).
    is_retry Bool,
    -- An attempt on a fallback model (its fallback_reason is set).
    is_fallback Bool,
    -- A request answered from the gateway's exact cache.
    is_cache_hit Bool,
    events UInt64,
    estimated_events UInt64,
    input_tokens UInt64,
    output_tokens UInt64,
    cached_input_tokens UInt64,
    cache_write_input_tokens UInt64,
    reasoning_tokens UInt64,
    cost_micro_usd UInt64,
    cache_saved_micro_usd UInt64,
    -- The raw table's ingestion watermark this group was computed at: the newest computation wins.
    computed_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toYYYYMM(hour)
ORDER BY (org_id, hour, team_id, project_id, environment, cost_center, key_id, user_id, kind, endpoint,
          requested_model, provider_type, provider_id, upstream_model, deployment_id, status,
          is_retry, is_fallback, is_cache_hit);

-- How far the rollup has read the raw table, by ingestion time (one row per rollup name).
CREATE TABLE IF NOT EXISTS {db}.usage_rollup_state
(
    name String,
    ingested_until DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(ingested_until)
ORDER BY name;

-- Finding the hours that received events since the last refresh reads only recent granules.
ALTER TABLE {db}.usage_events ADD INDEX IF NOT EXISTS usage_events_ingested_at ingested_at TYPE minmax GRANULARITY 1;
