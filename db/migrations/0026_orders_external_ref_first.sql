ALTER TABLE "orders" DROP CONSTRAINT "orders_channel_external_ref_key";--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_external_ref_channel_key" UNIQUE("external_ref","channel");