ALTER TABLE "snapshot_revisions" ADD COLUMN "kind" text DEFAULT 'policy' NOT NULL;--> statement-breakpoint
ALTER TABLE "snapshot_revisions" ADD COLUMN "base_revision" bigint;--> statement-breakpoint
ALTER TABLE "snapshot_revisions" ADD COLUMN "read_snapshot" text;--> statement-breakpoint
ALTER TABLE "snapshot_revisions" ADD CONSTRAINT "snapshot_revisions_kind_check" CHECK ("kind" in ('policy', 'keys'));--> statement-breakpoint
-- The transaction that last wrote each key, set by the trigger on every insert and update, so a
-- key overlay can select exactly the keys a policy snapshot's read could not see. Not part of the
-- drizzle schema: only the overlay query reads it.
ALTER TABLE "api_keys" ADD COLUMN "changed_xid" xid8;--> statement-breakpoint
CREATE FUNCTION "api_keys_stamp_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.changed_xid := pg_current_xact_id();
	RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "api_keys_stamp_change" BEFORE INSERT OR UPDATE ON "api_keys" FOR EACH ROW EXECUTE FUNCTION "api_keys_stamp_change"();
