-- The id the gateway mints once per client request (UsageEvent.gatewayRequestId): attempts and
-- their request summary share it, unlike request_id (the client's x-request-id, which clients
-- reuse). Empty for events from pods that predate it. Additive: existing rows and queries are
-- unchanged.
ALTER TABLE {db}.usage_events ADD COLUMN IF NOT EXISTS gateway_request_id String DEFAULT '' AFTER request_id;
