-- Where each SKU sits in a location, so pick lists walk the floor in bin order.
ALTER TABLE "inventory_levels" ADD COLUMN "bin" text;
