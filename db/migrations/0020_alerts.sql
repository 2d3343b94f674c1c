CREATE TYPE "public"."alert_history_kind" AS ENUM('opened', 'escalated', 'acknowledged', 'assigned', 'resolved', 'reopened', 'action');--> statement-breakpoint
CREATE TYPE "public"."alert_severity" AS ENUM('info', 'warning', 'critical');--> statement-breakpoint
CREATE TYPE "public"."alert_state" AS ENUM('open', 'acknowledged', 'resolved');--> statement-breakpoint
CREATE TABLE "alert_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"alert_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" "alert_history_kind" NOT NULL,
	"actor" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_rules" (
	"rule" text PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"thresholds" jsonb NOT NULL,
	"severity" "alert_severity" NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_evaluated_at" timestamp with time zone,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"rule" text NOT NULL,
	"subject" text NOT NULL,
	"state" "alert_state" DEFAULT 'open' NOT NULL,
	"severity" "alert_severity" NOT NULL,
	"title" text NOT NULL,
	"detail" text NOT NULL,
	"location_id" uuid,
	"affected" jsonb NOT NULL,
	"measured" jsonb NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"seen_count" integer DEFAULT 1 NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	"assignee" uuid,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"resolve_reason" text,
	"clear_streak" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "alerts_seen_count_positive" CHECK ("alerts"."seen_count" > 0),
	CONSTRAINT "alerts_resolved_consistent" CHECK (("alerts"."state" = 'resolved') = ("alerts"."resolved_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "alert_history" ADD CONSTRAINT "alert_history_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_history_alert_idx" ON "alert_history" USING btree ("alert_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_one_live_per_subject_idx" ON "alerts" USING btree ("rule","subject") WHERE "alerts"."state" <> 'resolved';--> statement-breakpoint
CREATE INDEX "alerts_opened_idx" ON "alerts" USING btree ("opened_at","id");--> statement-breakpoint
CREATE INDEX "alerts_state_opened_idx" ON "alerts" USING btree ("state","opened_at");--> statement-breakpoint
CREATE INDEX "alerts_rule_subject_resolved_idx" ON "alerts" USING btree ("rule","subject","resolved_at");