-- Key overlays select keys written at or after a policy snapshot's xmin: the index makes that a
-- range read instead of a scan of every key.
CREATE INDEX "api_keys_changed_xid_idx" ON "api_keys" USING btree ("changed_xid");
