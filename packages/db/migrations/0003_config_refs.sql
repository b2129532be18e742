ALTER TABLE "api_keys" ADD COLUMN "secret_env" text;--> statement-breakpoint
ALTER TABLE "providers" ADD COLUMN "credential_refs" jsonb;