import { sql } from 'drizzle-orm';
import { boolean, check, doublePrecision, integer, pgEnum, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns.ts';

export const locationKinds = ['warehouse', 'store', 'dropship', '3pl'] as const;
export const locationKind = pgEnum('location_kind', locationKinds);

export const locations = pgTable(
  'locations',
  {
    id: id(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    kind: locationKind('kind').notNull(),
    lat: doublePrecision('lat').notNull(),
    lon: doublePrecision('lon').notNull(),
    /** Where the location is taxed: in-store pickup orders pay this place's sales tax. */
    country: text('country').notNull().default('US'),
    region: text('region').notNull().default(''),
    dailyCapacity: integer('daily_capacity').notNull(),
    pickCostCents: integer('pick_cost_cents').notNull().default(0),
    packCostCents: integer('pack_cost_cents').notNull().default(0),
    currency: text('currency').notNull().default('USD'),
    active: boolean('active').notNull().default(true),
    /** Ships parcels to customers from its own stock (ship-from-store is a choice per store). */
    shipsToCustomers: boolean('ships_to_customers').notNull(),
    /** Hands out pickup orders at its counter (stores, and warehouses with a will-call desk). */
    offersPickup: boolean('offers_pickup').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    check('locations_lat_range', sql`${t.lat} between -90 and 90`),
    check('locations_lon_range', sql`${t.lon} between -180 and 180`),
    check('locations_capacity_nonnegative', sql`${t.dailyCapacity} >= 0`),
    check('locations_costs_nonnegative', sql`${t.pickCostCents} >= 0 and ${t.packCostCents} >= 0`),
    // A drop-ship vendor sends only its own products' lines, as vendor orders; no counter.
    check('locations_dropship_no_pickup', sql`${t.kind} <> 'dropship' or not ${t.offersPickup}`),
  ],
);
