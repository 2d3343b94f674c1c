CREATE TYPE "public"."purchase_order_status" AS ENUM('draft', 'submitted', 'partially_received', 'received', 'cancelled', 'closed');--> statement-breakpoint
CREATE TYPE "public"."transfer_status" AS ENUM('requested', 'shipped', 'partially_received', 'received', 'cancelled');--> statement-breakpoint
CREATE SEQUENCE "public"."purchase_order_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE SEQUENCE "public"."transfer_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "purchase_order_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"purchase_order_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"sku" text NOT NULL,
	"quantity_ordered" integer NOT NULL,
	"quantity_received" integer DEFAULT 0 NOT NULL,
	"unit_cost_cents" integer NOT NULL,
	CONSTRAINT "purchase_order_lines_quantities" CHECK ("purchase_order_lines"."quantity_ordered" >= 0 and "purchase_order_lines"."quantity_received" between 0 and "purchase_order_lines"."quantity_ordered"),
	CONSTRAINT "purchase_order_lines_cost_nonnegative" CHECK ("purchase_order_lines"."unit_cost_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "purchase_order_receipts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"purchase_order_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"quantity" integer NOT NULL,
	"location_id" uuid NOT NULL,
	"ledger_id" bigint NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "purchase_order_receipts_quantity_positive" CHECK ("purchase_order_receipts"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "purchase_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text DEFAULT 'PO-' || lpad(nextval('purchase_order_number_seq')::text, 6, '0') NOT NULL,
	"supplier_id" uuid NOT NULL,
	"location_id" uuid NOT NULL,
	"status" "purchase_order_status" DEFAULT 'draft' NOT NULL,
	"currency" text NOT NULL,
	"expected_at" timestamp with time zone,
	"note" text,
	"source" text,
	"created_by_id" uuid,
	"created_by_label" text,
	"ordered_at" timestamp with time zone NOT NULL,
	"submitted_at" timestamp with time zone,
	"first_received_at" timestamp with time zone,
	"received_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "purchase_orders_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "supplier_products" (
	"supplier_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"unit_cost_cents" integer NOT NULL,
	"lead_time_days" integer,
	"minimum_order_quantity" integer DEFAULT 1 NOT NULL,
	"case_pack" integer DEFAULT 1 NOT NULL,
	"preferred" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplier_products_supplier_id_sku_pk" PRIMARY KEY("supplier_id","sku"),
	CONSTRAINT "supplier_products_cost_nonnegative" CHECK ("supplier_products"."unit_cost_cents" >= 0),
	CONSTRAINT "supplier_products_lead_time_range" CHECK ("supplier_products"."lead_time_days" is null or "supplier_products"."lead_time_days" between 0 and 365),
	CONSTRAINT "supplier_products_order_units_positive" CHECK ("supplier_products"."minimum_order_quantity" >= 1 and "supplier_products"."case_pack" >= 1)
);
--> statement-breakpoint
CREATE TABLE "suppliers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"currency" text DEFAULT 'USD' NOT NULL,
	"lead_time_days" integer DEFAULT 7 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suppliers_code_unique" UNIQUE("code"),
	CONSTRAINT "suppliers_lead_time_range" CHECK ("suppliers"."lead_time_days" between 0 and 365)
);
--> statement-breakpoint
CREATE TABLE "transfer_lanes" (
	"from_location_id" uuid NOT NULL,
	"to_location_id" uuid NOT NULL,
	"lead_time_days" integer NOT NULL,
	"cost_per_unit_cents" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "transfer_lanes_from_location_id_to_location_id_pk" PRIMARY KEY("from_location_id","to_location_id"),
	CONSTRAINT "transfer_lanes_distinct_ends" CHECK ("transfer_lanes"."from_location_id" <> "transfer_lanes"."to_location_id"),
	CONSTRAINT "transfer_lanes_lead_time_range" CHECK ("transfer_lanes"."lead_time_days" between 0 and 365),
	CONSTRAINT "transfer_lanes_cost_nonnegative" CHECK ("transfer_lanes"."cost_per_unit_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "transfer_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"transfer_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"sku" text NOT NULL,
	"quantity" integer NOT NULL,
	"quantity_shipped" integer DEFAULT 0 NOT NULL,
	"quantity_received" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "transfer_lines_quantities" CHECK ("transfer_lines"."quantity" >= 0 and "transfer_lines"."quantity_shipped" between 0 and "transfer_lines"."quantity" and "transfer_lines"."quantity_received" between 0 and "transfer_lines"."quantity_shipped")
);
--> statement-breakpoint
CREATE TABLE "transfers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text DEFAULT 'TR-' || lpad(nextval('transfer_number_seq')::text, 6, '0') NOT NULL,
	"from_location_id" uuid NOT NULL,
	"to_location_id" uuid NOT NULL,
	"status" "transfer_status" DEFAULT 'requested' NOT NULL,
	"expected_at" timestamp with time zone,
	"note" text,
	"source" text,
	"created_by_id" uuid,
	"created_by_label" text,
	"requested_at" timestamp with time zone NOT NULL,
	"shipped_at" timestamp with time zone,
	"first_received_at" timestamp with time zone,
	"received_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "transfers_number_unique" UNIQUE("number"),
	CONSTRAINT "transfers_distinct_ends" CHECK ("transfers"."from_location_id" <> "transfers"."to_location_id")
);
--> statement-breakpoint
ALTER TABLE "purchase_order_lines" ADD CONSTRAINT "purchase_order_lines_purchase_order_id_purchase_orders_id_fk" FOREIGN KEY ("purchase_order_id") REFERENCES "public"."purchase_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_order_lines" ADD CONSTRAINT "purchase_order_lines_sku_products_sku_fk" FOREIGN KEY ("sku") REFERENCES "public"."products"("sku") ON DELETE no action ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "purchase_order_receipts" ADD CONSTRAINT "purchase_order_receipts_purchase_order_id_purchase_orders_id_fk" FOREIGN KEY ("purchase_order_id") REFERENCES "public"."purchase_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_orders" ADD CONSTRAINT "purchase_orders_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_orders" ADD CONSTRAINT "purchase_orders_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_products" ADD CONSTRAINT "supplier_products_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_products" ADD CONSTRAINT "supplier_products_sku_products_sku_fk" FOREIGN KEY ("sku") REFERENCES "public"."products"("sku") ON DELETE no action ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "transfer_lanes" ADD CONSTRAINT "transfer_lanes_from_location_id_locations_id_fk" FOREIGN KEY ("from_location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_lanes" ADD CONSTRAINT "transfer_lanes_to_location_id_locations_id_fk" FOREIGN KEY ("to_location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_lines" ADD CONSTRAINT "transfer_lines_transfer_id_transfers_id_fk" FOREIGN KEY ("transfer_id") REFERENCES "public"."transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_lines" ADD CONSTRAINT "transfer_lines_sku_products_sku_fk" FOREIGN KEY ("sku") REFERENCES "public"."products"("sku") ON DELETE no action ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_from_location_id_locations_id_fk" FOREIGN KEY ("from_location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_to_location_id_locations_id_fk" FOREIGN KEY ("to_location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "purchase_order_lines_sku_idx" ON "purchase_order_lines" USING btree ("purchase_order_id","sku");--> statement-breakpoint
CREATE INDEX "purchase_order_lines_by_sku_idx" ON "purchase_order_lines" USING btree ("sku");--> statement-breakpoint
CREATE INDEX "purchase_order_receipts_po_idx" ON "purchase_order_receipts" USING btree ("purchase_order_id","id");--> statement-breakpoint
CREATE INDEX "purchase_orders_status_idx" ON "purchase_orders" USING btree ("status","ordered_at");--> statement-breakpoint
CREATE INDEX "purchase_orders_supplier_idx" ON "purchase_orders" USING btree ("supplier_id","ordered_at");--> statement-breakpoint
CREATE INDEX "purchase_orders_location_idx" ON "purchase_orders" USING btree ("location_id","status");--> statement-breakpoint
CREATE INDEX "purchase_orders_source_idx" ON "purchase_orders" USING btree ("source");--> statement-breakpoint
CREATE INDEX "supplier_products_sku_idx" ON "supplier_products" USING btree ("sku");--> statement-breakpoint
CREATE UNIQUE INDEX "supplier_products_one_preferred_idx" ON "supplier_products" USING btree ("sku") WHERE "supplier_products"."preferred";--> statement-breakpoint
CREATE UNIQUE INDEX "transfer_lines_sku_idx" ON "transfer_lines" USING btree ("transfer_id","sku");--> statement-breakpoint
CREATE INDEX "transfer_lines_by_sku_idx" ON "transfer_lines" USING btree ("sku");--> statement-breakpoint
CREATE INDEX "transfers_status_idx" ON "transfers" USING btree ("status","requested_at");--> statement-breakpoint
CREATE INDEX "transfers_from_idx" ON "transfers" USING btree ("from_location_id","status");--> statement-breakpoint
CREATE INDEX "transfers_to_idx" ON "transfers" USING btree ("to_location_id","status");--> statement-breakpoint
CREATE INDEX "transfers_source_idx" ON "transfers" USING btree ("source");