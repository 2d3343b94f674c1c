CREATE TYPE "public"."return_reason" AS ENUM('damaged', 'defective', 'wrong_item', 'not_as_described', 'size_or_fit', 'no_longer_needed', 'arrived_late', 'other');--> statement-breakpoint
CREATE TYPE "public"."return_requester" AS ENUM('staff', 'customer');--> statement-breakpoint
CREATE TYPE "public"."return_resolution" AS ENUM('refund', 'store_credit', 'exchange');--> statement-breakpoint
CREATE TYPE "public"."return_status" AS ENUM('requested', 'authorized', 'received', 'inspected', 'resolved', 'rejected', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."store_credit_reason" AS ENUM('return', 'redemption', 'redemption_reversal', 'adjustment');--> statement-breakpoint
CREATE SEQUENCE "public"."return_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 100001 CACHE 1;--> statement-breakpoint
CREATE TABLE "return_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"return_id" uuid NOT NULL,
	"order_line_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"category" text NOT NULL,
	"quantity" integer NOT NULL,
	"reason" "return_reason" NOT NULL,
	"reason_note" text,
	"received_quantity" integer DEFAULT 0 NOT NULL,
	"restock_quantity" integer DEFAULT 0 NOT NULL,
	"refurbish_quantity" integer DEFAULT 0 NOT NULL,
	"scrap_quantity" integer DEFAULT 0 NOT NULL,
	"return_to_vendor_quantity" integer DEFAULT 0 NOT NULL,
	"restock_location_id" uuid,
	CONSTRAINT "return_lines_quantities" CHECK ("return_lines"."quantity" > 0 and "return_lines"."received_quantity" between 0 and "return_lines"."quantity"
        and "return_lines"."restock_quantity" >= 0 and "return_lines"."refurbish_quantity" >= 0 and "return_lines"."scrap_quantity" >= 0 and "return_lines"."return_to_vendor_quantity" >= 0
        and "return_lines"."received_quantity" = "return_lines"."restock_quantity" + "return_lines"."refurbish_quantity" + "return_lines"."scrap_quantity" + "return_lines"."return_to_vendor_quantity")
);
--> statement-breakpoint
CREATE TABLE "return_policies" (
	"category" text PRIMARY KEY NOT NULL,
	"window_days" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "return_policies_window_range" CHECK ("return_policies"."window_days" between 0 and 3650)
);
--> statement-breakpoint
CREATE TABLE "returns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text DEFAULT 'R' || nextval('return_number_seq')::text NOT NULL,
	"order_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"status" "return_status" DEFAULT 'requested' NOT NULL,
	"requested_by" "return_requester" NOT NULL,
	"note" text,
	"currency" text NOT NULL,
	"location_id" uuid,
	"resolution" "return_resolution",
	"refunded_cents" integer DEFAULT 0 NOT NULL,
	"shipping_refunded_cents" integer DEFAULT 0 NOT NULL,
	"store_credit_cents" integer DEFAULT 0 NOT NULL,
	"exchange_order_id" uuid,
	"reject_reason" text,
	"requested_at" timestamp with time zone NOT NULL,
	"authorized_at" timestamp with time zone,
	"received_at" timestamp with time zone,
	"inspected_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "returns_number_unique" UNIQUE("number"),
	CONSTRAINT "returns_amounts_nonnegative" CHECK ("returns"."refunded_cents" >= 0 and "returns"."shipping_refunded_cents" >= 0 and "returns"."store_credit_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "store_credit_accounts" (
	"customer_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"balance_cents" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "store_credit_accounts_customer_id_currency_pk" PRIMARY KEY("customer_id","currency"),
	CONSTRAINT "store_credit_balance_nonnegative" CHECK ("store_credit_accounts"."balance_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "store_credit_ledger" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"delta_cents" integer NOT NULL,
	"currency" text NOT NULL,
	"balance_after_cents" integer NOT NULL,
	"reason" "store_credit_reason" NOT NULL,
	"return_id" uuid,
	"order_id" uuid,
	"note" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "store_credit_ledger_delta_nonzero" CHECK ("store_credit_ledger"."delta_cents" <> 0),
	CONSTRAINT "store_credit_ledger_balance_nonnegative" CHECK ("store_credit_ledger"."balance_after_cents" >= 0)
);
--> statement-breakpoint
ALTER TABLE "return_lines" ADD CONSTRAINT "return_lines_return_id_returns_id_fk" FOREIGN KEY ("return_id") REFERENCES "public"."returns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "return_lines" ADD CONSTRAINT "return_lines_order_line_id_order_lines_id_fk" FOREIGN KEY ("order_line_id") REFERENCES "public"."order_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "return_lines" ADD CONSTRAINT "return_lines_restock_location_id_locations_id_fk" FOREIGN KEY ("restock_location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "returns" ADD CONSTRAINT "returns_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "returns" ADD CONSTRAINT "returns_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "returns" ADD CONSTRAINT "returns_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "returns" ADD CONSTRAINT "returns_exchange_order_id_orders_id_fk" FOREIGN KEY ("exchange_order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_credit_accounts" ADD CONSTRAINT "store_credit_accounts_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_credit_ledger" ADD CONSTRAINT "store_credit_ledger_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_credit_ledger" ADD CONSTRAINT "store_credit_ledger_return_id_returns_id_fk" FOREIGN KEY ("return_id") REFERENCES "public"."returns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_credit_ledger" ADD CONSTRAINT "store_credit_ledger_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "return_lines_return_idx" ON "return_lines" USING btree ("return_id");--> statement-breakpoint
CREATE INDEX "return_lines_order_line_idx" ON "return_lines" USING btree ("order_line_id");--> statement-breakpoint
CREATE INDEX "returns_order_idx" ON "returns" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "returns_customer_idx" ON "returns" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "returns_status_idx" ON "returns" USING btree ("status","requested_at");--> statement-breakpoint
CREATE INDEX "store_credit_ledger_customer_idx" ON "store_credit_ledger" USING btree ("customer_id","id");