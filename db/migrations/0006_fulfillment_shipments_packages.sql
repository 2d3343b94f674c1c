CREATE TYPE "public"."package_status" AS ENUM('label_created', 'in_transit', 'out_for_delivery', 'delivered', 'exception', 'returned_to_sender');--> statement-breakpoint
CREATE TYPE "public"."shipment_status" AS ENUM('pending', 'picking', 'packed', 'shipped', 'delivered', 'exception', 'returned_to_sender', 'ready_for_pickup', 'picked_up', 'cancelled');--> statement-breakpoint
CREATE TABLE "carrier_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"carrier" text NOT NULL,
	"carrier_event_id" text NOT NULL,
	"tracking_number" text NOT NULL,
	"status" "package_status" NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"applied" boolean NOT NULL,
	"payload" jsonb NOT NULL,
	CONSTRAINT "carrier_events_carrier_event_key" UNIQUE("carrier","carrier_event_id")
);
--> statement-breakpoint
CREATE TABLE "package_contents" (
	"package_id" uuid NOT NULL,
	"shipment_line_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	CONSTRAINT "package_contents_key" UNIQUE("package_id","shipment_line_id"),
	CONSTRAINT "package_contents_quantity_positive" CHECK ("package_contents"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "packages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"shipment_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"packaging_code" text NOT NULL,
	"weight_grams" integer NOT NULL,
	"tracking_number" text NOT NULL,
	"status" "package_status" DEFAULT 'label_created' NOT NULL,
	"label_cost_cents" integer DEFAULT 0 NOT NULL,
	"last_event_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "packages_tracking_number_unique" UNIQUE("tracking_number"),
	CONSTRAINT "packages_shipment_number_key" UNIQUE("shipment_id","number"),
	CONSTRAINT "packages_weight_positive" CHECK ("packages"."weight_grams" > 0)
);
--> statement-breakpoint
CREATE TABLE "packaging_types" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"inner_length_mm" integer NOT NULL,
	"inner_width_mm" integer NOT NULL,
	"inner_height_mm" integer NOT NULL,
	"max_weight_grams" integer NOT NULL,
	"tare_grams" integer NOT NULL,
	"cost_cents" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "packaging_types_positive" CHECK ("packaging_types"."inner_length_mm" > 0 and "packaging_types"."inner_width_mm" > 0 and "packaging_types"."inner_height_mm" > 0 and "packaging_types"."max_weight_grams" > 0 and "packaging_types"."tare_grams" >= 0 and "packaging_types"."cost_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "shipment_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"shipment_id" uuid NOT NULL,
	"order_line_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"quantity" integer NOT NULL,
	"picked_quantity" integer DEFAULT 0 NOT NULL,
	"packed_quantity" integer DEFAULT 0 NOT NULL,
	"picker_id" uuid,
	"pick_claimed_at" timestamp with time zone,
	CONSTRAINT "shipment_lines_quantities" CHECK ("shipment_lines"."quantity" > 0 and "shipment_lines"."picked_quantity" between 0 and "shipment_lines"."quantity" and "shipment_lines"."packed_quantity" between 0 and "shipment_lines"."picked_quantity")
);
--> statement-breakpoint
CREATE TABLE "shipments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"location_id" uuid NOT NULL,
	"status" "shipment_status" DEFAULT 'pending' NOT NULL,
	"carrier" text,
	"service" "delivery_service" NOT NULL,
	"promised_at" timestamp with time zone,
	"pick_pack_cost_cents" integer DEFAULT 0 NOT NULL,
	"packaging_cost_cents" integer DEFAULT 0 NOT NULL,
	"label_cost_cents" integer DEFAULT 0 NOT NULL,
	"captured_cents" integer DEFAULT 0 NOT NULL,
	"shipped_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shipments_order_number_key" UNIQUE("order_id","number"),
	CONSTRAINT "shipments_costs_nonnegative" CHECK ("shipments"."pick_pack_cost_cents" >= 0 and "shipments"."packaging_cost_cents" >= 0 and "shipments"."label_cost_cents" >= 0 and "shipments"."captured_cents" >= 0)
);
--> statement-breakpoint
ALTER TABLE "package_contents" ADD CONSTRAINT "package_contents_package_id_packages_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."packages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "package_contents" ADD CONSTRAINT "package_contents_shipment_line_id_shipment_lines_id_fk" FOREIGN KEY ("shipment_line_id") REFERENCES "public"."shipment_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "packages" ADD CONSTRAINT "packages_shipment_id_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."shipments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "packages" ADD CONSTRAINT "packages_packaging_code_packaging_types_code_fk" FOREIGN KEY ("packaging_code") REFERENCES "public"."packaging_types"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment_lines" ADD CONSTRAINT "shipment_lines_shipment_id_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."shipments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment_lines" ADD CONSTRAINT "shipment_lines_order_line_id_order_lines_id_fk" FOREIGN KEY ("order_line_id") REFERENCES "public"."order_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment_lines" ADD CONSTRAINT "shipment_lines_picker_id_users_id_fk" FOREIGN KEY ("picker_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "carrier_events_tracking_idx" ON "carrier_events" USING btree ("tracking_number","occurred_at");--> statement-breakpoint
CREATE INDEX "shipment_lines_shipment_idx" ON "shipment_lines" USING btree ("shipment_id");--> statement-breakpoint
CREATE INDEX "shipments_location_status_idx" ON "shipments" USING btree ("location_id","status","created_at");--> statement-breakpoint
-- Default packaging every location starts with; operators change or add their own.
INSERT INTO "packaging_types" ("code", "name", "inner_length_mm", "inner_width_mm", "inner_height_mm", "max_weight_grams", "tare_grams", "cost_cents") VALUES
  ('MAILER-S', 'Poly mailer, small', 250, 350, 50, 1000, 20, 25),
  ('BOX-S', 'Box, small', 200, 150, 100, 2000, 150, 60),
  ('BOX-M', 'Box, medium', 350, 250, 150, 10000, 300, 110),
  ('BOX-L', 'Box, large', 500, 400, 300, 20000, 600, 180),
  ('BOX-XL', 'Box, extra large', 600, 500, 500, 30000, 900, 260);
