/**
 * The API's answers as the web app reads them. Where the server declares a shape with zod, the
 * type is inferred from it here (type-only imports: no server code reaches the browser).
 */
import type { z } from 'zod';
import type { SessionView } from '#server/auth/auth.schemas.ts';
import type { Order as OrderSchema, OrderPage as OrderPageSchema } from '#server/orders/order.schemas.ts';
import type { Location as LocationSchema, Product as ProductSchema } from '#server/catalog/catalog.schemas.ts';
import type { InventoryLevel as InventoryLevelSchema } from '#server/inventory/inventory.schemas.ts';
import type { Tracking as TrackingSchema } from '#server/tracking/tracking.schemas.ts';
import type { KpisSchema, TimeseriesSchema, BacklogSchema } from '#server/analytics/kpis.schemas.ts';

export type Session = z.infer<typeof SessionView>;
export type SignedInUser = Session['user'];
export type Role = SignedInUser['roles'][number];
export type Order = z.infer<typeof OrderSchema>;
export type OrderPage = z.infer<typeof OrderPageSchema>;
export type OrderStatus = Order['status'];
export type Channel = Order['channel'];
export type Kpis = z.infer<typeof KpisSchema>;
export type Timeseries = z.infer<typeof TimeseriesSchema>;
export type Backlog = z.infer<typeof BacklogSchema>;

export type Location = z.infer<typeof LocationSchema>;
export type Product = z.infer<typeof ProductSchema>;
export type InventoryLevel = z.infer<typeof InventoryLevelSchema>;

export type Tracking = z.infer<typeof TrackingSchema>;

export const CHANNELS = ['web', 'store', 'marketplace', 'phone', 'b2b'] as const satisfies readonly Channel[];
export const ORDER_STATUSES = [
  'placed',
  'allocated',
  'backordered',
  'picking',
  'packed',
  'shipped',
  'delivered',
  'cancelled',
  'on_hold',
  'return_requested',
  'returned',
] as const satisfies readonly OrderStatus[];
