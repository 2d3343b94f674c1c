CREATE TYPE "public"."forecast_run_status" AS ENUM('running', 'succeeded', 'failed');--> statement-breakpoint
CREATE TYPE "public"."forecast_run_trigger" AS ENUM('schedule', 'manual');--> statement-breakpoint
CREATE TYPE "public"."restock_proposal_kind" AS ENUM('purchase', 'transfer');--> statement-breakpoint
CREATE TYPE "public"."restock_proposal_status" AS ENUM('proposed', 'approved', 'rejected', 'superseded');--> statement-breakpoint
CREATE TABLE "forecast_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" integer GENERATED ALWAYS AS IDENTITY (sequence name "forecast_runs_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"status" "forecast_run_status" DEFAULT 'running' NOT NULL,
	"trigger" "forecast_run_trigger" NOT NULL,
	"as_of_date" date NOT NULL,
	"parameters" jsonb NOT NULL,
	"series_total" integer DEFAULT 0 NOT NULL,
	"series_done" integer DEFAULT 0 NOT NULL,
	"summary" jsonb,
	"proposals_created" integer DEFAULT 0 NOT NULL,
	"error" text,
	"requested_by" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "forecast_series" (
	"run_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"location_key" text NOT NULL,
	"model" text NOT NULL,
	"classification" text NOT NULL,
	"points" jsonb NOT NULL,
	"history" jsonb NOT NULL,
	"metrics" jsonb NOT NULL,
	"horizon_sd" jsonb NOT NULL,
	"mase" real,
	"baseline_mase" real,
	"available" integer,
	"inbound" integer,
	"stockout_date" date,
	"expected_short_units" real DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "forecast_series_run_id_sku_location_key_pk" PRIMARY KEY("run_id","sku","location_key"),
	CONSTRAINT "forecast_series_short_nonnegative" CHECK ("forecast_series"."expected_short_units" >= 0)
);
--> statement-breakpoint
CREATE TABLE "replenishment_settings" (
	"sku" text NOT NULL,
	"location_id" uuid NOT NULL,
	"service_level" real,
	"review_period_days" integer,
	"lead_time_days" integer,
	"active" boolean DEFAULT true NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "replenishment_settings_sku_location_id_pk" PRIMARY KEY("sku","location_id"),
	CONSTRAINT "replenishment_service_level_range" CHECK ("replenishment_settings"."service_level" is null or ("replenishment_settings"."service_level" > 0.5 and "replenishment_settings"."service_level" < 1)),
	CONSTRAINT "replenishment_review_range" CHECK ("replenishment_settings"."review_period_days" is null or "replenishment_settings"."review_period_days" between 1 and 90),
	CONSTRAINT "replenishment_lead_time_range" CHECK ("replenishment_settings"."lead_time_days" is null or "replenishment_settings"."lead_time_days" between 0 and 365)
);
--> statement-breakpoint
CREATE TABLE "restock_proposals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"run_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"location_id" uuid NOT NULL,
	"kind" "restock_proposal_kind" NOT NULL,
	"status" "restock_proposal_status" DEFAULT 'proposed' NOT NULL,
	"supplier_id" uuid,
	"from_location_id" uuid,
	"suggested_quantity" integer NOT NULL,
	"quantity" integer NOT NULL,
	"unit_cost_cents" integer NOT NULL,
	"currency" text NOT NULL,
	"lead_time_days" integer NOT NULL,
	"position" jsonb NOT NULL,
	"stockout_date" date,
	"purchase_order_id" uuid,
	"transfer_id" uuid,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "restock_proposals_quantity_positive" CHECK ("restock_proposals"."quantity" > 0 and "restock_proposals"."suggested_quantity" > 0),
	CONSTRAINT "restock_proposals_source" CHECK (("restock_proposals"."kind" = 'purchase') = ("restock_proposals"."from_location_id" is null))
);
--> statement-breakpoint
ALTER TABLE "forecast_series" ADD CONSTRAINT "forecast_series_run_id_forecast_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."forecast_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replenishment_settings" ADD CONSTRAINT "replenishment_settings_sku_products_sku_fk" FOREIGN KEY ("sku") REFERENCES "public"."products"("sku") ON DELETE no action ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "replenishment_settings" ADD CONSTRAINT "replenishment_settings_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restock_proposals" ADD CONSTRAINT "restock_proposals_run_id_forecast_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."forecast_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restock_proposals" ADD CONSTRAINT "restock_proposals_sku_products_sku_fk" FOREIGN KEY ("sku") REFERENCES "public"."products"("sku") ON DELETE no action ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "restock_proposals" ADD CONSTRAINT "restock_proposals_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restock_proposals" ADD CONSTRAINT "restock_proposals_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restock_proposals" ADD CONSTRAINT "restock_proposals_from_location_id_locations_id_fk" FOREIGN KEY ("from_location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restock_proposals" ADD CONSTRAINT "restock_proposals_purchase_order_id_purchase_orders_id_fk" FOREIGN KEY ("purchase_order_id") REFERENCES "public"."purchase_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restock_proposals" ADD CONSTRAINT "restock_proposals_transfer_id_transfers_id_fk" FOREIGN KEY ("transfer_id") REFERENCES "public"."transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "forecast_runs_number_idx" ON "forecast_runs" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "forecast_runs_one_running_idx" ON "forecast_runs" USING btree ("status") WHERE "forecast_runs"."status" = 'running';--> statement-breakpoint
CREATE UNIQUE INDEX "forecast_runs_scheduled_day_idx" ON "forecast_runs" USING btree ("as_of_date") WHERE "forecast_runs"."trigger" = 'schedule';--> statement-breakpoint
CREATE INDEX "forecast_runs_started_idx" ON "forecast_runs" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "forecast_series_risk_idx" ON "forecast_series" USING btree ("run_id","stockout_date");--> statement-breakpoint
CREATE INDEX "restock_proposals_status_idx" ON "restock_proposals" USING btree ("status","stockout_date");--> statement-breakpoint
CREATE INDEX "restock_proposals_sku_location_idx" ON "restock_proposals" USING btree ("sku","location_id");