import { roles } from '#db/schema/identity.ts';
import type { channels } from '#db/schema/orders.ts';

export { roles };
export type Role = (typeof roles)[number];

/**
 * The one table of who may do what. Every route names one of these actions (or `public` /
 * `signed_in`), and the router refuses to register a route that names none.
 */
export const permissions = {
  'catalog:read': ['admin', 'manager', 'planner', 'staff', 'service'],
  'catalog:write': ['admin', 'manager'],
  'inventory:read': ['admin', 'manager', 'planner', 'staff', 'service'],
  'inventory:adjust': ['admin', 'manager', 'staff'],
  'orders:read': ['admin', 'manager', 'planner', 'staff', 'service'],
  'orders:create': ['admin', 'manager', 'staff', 'service'],
  'orders:import': ['admin', 'manager', 'service'],
  'orders:manage': ['admin', 'manager', 'staff'],
  /** Moving an order to a faster (dearer) delivery service at Tower's cost. */
  'orders:upgrade_service': ['admin', 'manager'],
  /** Pick lists, shipments and packages; a WMS integration reads them with a service token. */
  'fulfillment:read': ['admin', 'manager', 'planner', 'staff', 'service'],
  /** Picking, packing, shipping and pickup hand-over, on the floor (staff limited to their locations). */
  'fulfillment:work': ['admin', 'manager', 'staff'],
  /** Releasing allocated orders to the floor on demand (the server also does it on an interval). */
  'fulfillment:release': ['admin', 'manager'],
  /** RMAs and return policies; a customer service integration reads them with a service token. */
  'returns:read': ['admin', 'manager', 'planner', 'staff', 'service'],
  /** Opening RMAs for customers, receiving and inspecting returned goods, refunds and exchanges. */
  'returns:manage': ['admin', 'manager', 'staff'],
  /** Return windows per category. */
  'returns:configure': ['admin', 'manager'],
  'store_credit:read': ['admin', 'manager', 'staff', 'service'],
  'analytics:read': ['admin', 'manager', 'planner'],
  /** Demand forecasts and their accuracy; runs on demand besides the nightly schedule. */
  'forecasts:read': ['admin', 'manager', 'planner'],
  'forecasts:run': ['admin', 'manager', 'planner'],
  /** Restock proposals: planners approve, edit or reject them (into purchase orders or transfers). */
  'replenishment:plan': ['admin', 'manager', 'planner'],
  /** Suppliers, purchase orders and transfers; the floor sees what is inbound to its location. */
  'purchasing:read': ['admin', 'manager', 'planner', 'staff', 'service'],
  'purchasing:write': ['admin', 'manager', 'planner'],
  /** Receiving a purchase order or transfer at the location (staff limited to their locations). */
  'purchasing:receive': ['admin', 'manager', 'staff'],
  /** Bottleneck alerts are acted on by the people on the floor as well as watched by managers. */
  'alerts:read': ['admin', 'manager', 'planner', 'staff'],
  /** Acknowledging, assigning and resolving alerts, and the remedies they offer (staff limited to their locations). */
  'alerts:act': ['admin', 'manager', 'staff'],
  /**
   * Applying an alert's remedies (hold, reroute, upgrade service, restock proposal) to what it lists;
   * each remedy also needs its own command's permission (alert-actions.ts).
   */
  'alerts:remedy': ['admin', 'manager', 'planner', 'staff'],
  /** Turning alert rules on and off and editing their thresholds and severity. */
  'alerts:manage': ['admin', 'manager'],
  'users:manage': ['admin'],
  'tokens:manage': ['admin'],
  'audit:read': ['admin'],
  /** GET /metrics: Prometheus scrapers authenticate with a service token. */
  'metrics:read': ['admin', 'service'],
  /** Dating a write in the past (the x-tower-as-of header): the history backfill only, never a person. */
  'history:write': ['simulator'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof permissions;

/** `public`: anyone, rate limited. `signed_in`: any authenticated actor, whatever its roles. */
export type Permission = Action | 'public' | 'signed_in';

export const actions = Object.keys(permissions) as Action[];

export function isAction(value: string): value is Action {
  return Object.hasOwn(permissions, value);
}

export function rolesAllow(held: readonly Role[], action: Action): boolean {
  const allowed: readonly Role[] = permissions[action];
  return held.some((r) => allowed.includes(r));
}

export type SalesChannel = (typeof channels)[number];
