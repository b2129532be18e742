-- Raw usage events, one row per upstream attempt and one per client request.
-- Money in integer micro-USD, tokens as integers. ReplacingMergeTree on the event id makes a
-- re-delivered event collapse into one row; reports read with FINAL or GROUP BY id.
CREATE TABLE IF NOT EXISTS {db}.usage_events
(
    id String,
    kind LowCardinality(String),
    request_id String,
    occurred_at DateTime64(3, 'UTC'),
    gateway_pod_id LowCardinality(String),
    org_id LowCardinality(String),
    team_id LowCardinality(String),
    project_id LowCardinality(String),
    environment LowCardinality(String),
    cost_center LowCardinality(String),
    user_id String,
    key_id String,
    tags Map(String, String),
    endpoint LowCardinality(String),
    requested_model LowCardinality(String),
    provider_type LowCardinality(String),
    provider_id LowCardinality(String),
    deployment_id LowCardinality(String),
    upstream_model LowCardinality(String),
    is_stream Bool,
    attempt_number UInt16,
    attempt_count UInt16,
    input_tokens UInt64,
    output_tokens UInt64,
    cached_input_tokens UInt64,
    cache_write_input_tokens UInt64,
    reasoning_tokens UInt64,
    is_estimated Bool,
    cost_micro_usd UInt64,
    cache_saved_micro_usd UInt64,
    latency_ms UInt32,
    time_to_first_token_ms Nullable(UInt32),
    status LowCardinality(String),
    http_status UInt16,
    error_class LowCardinality(String),
    fallback_reason LowCardinality(String),
    is_cache_hit Bool,
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (org_id, team_id, toStartOfHour(occurred_at), kind, id);
