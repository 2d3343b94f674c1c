-- What each location may do for customers, set per location instead of inferred from its
-- kind: a store may ship from its stock or not, a warehouse may have a will-call counter.
-- Existing locations keep what their kind meant until now.
ALTER TABLE "locations" ADD COLUMN "ships_to_customers" boolean;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "offers_pickup" boolean;--> statement-breakpoint
UPDATE "locations" SET "ships_to_customers" = ("kind" <> 'dropship'), "offers_pickup" = ("kind" = 'store');--> statement-breakpoint
ALTER TABLE "locations" ALTER COLUMN "ships_to_customers" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "locations" ALTER COLUMN "offers_pickup" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "locations" ADD CONSTRAINT "locations_dropship_no_pickup" CHECK ("locations"."kind" <> 'dropship' or not "locations"."offers_pickup");
