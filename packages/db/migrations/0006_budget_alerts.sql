CREATE TABLE "budget_alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"budget_id" text NOT NULL,
	"window_starts_at" timestamp with time zone NOT NULL,
	"threshold_pct" integer NOT NULL,
	"spent_micro_usd" bigint NOT NULL,
	"raised_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
ALTER TABLE "budget_alerts" ADD CONSTRAINT "budget_alerts_budget_id_budgets_id_fk" FOREIGN KEY ("budget_id") REFERENCES "public"."budgets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "budget_alerts_once_uq" ON "budget_alerts" USING btree ("budget_id","window_starts_at","threshold_pct");