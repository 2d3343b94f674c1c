CREATE TABLE "order_sourcing_decisions" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	"strategy" text NOT NULL,
	"total_cost_cents" integer NOT NULL,
	"decision" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "order_sourcing_decisions" ADD CONSTRAINT "order_sourcing_decisions_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;