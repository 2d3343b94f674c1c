import type { permissions } from '#server/auth/permissions.ts';
import type { Role } from './api/types.ts';

/**
 * Each page of the app and the roles that may use it: the roles of the permission its work
 * needs. `satisfies` ties every list to server/auth/permissions.ts, so a change there that the
 * navigation misses is a type error rather than a page that answers 403.
 */
const analyticsRead = ['admin', 'manager', 'planner'] as const satisfies (typeof permissions)['analytics:read'];
const ordersRead = ['admin', 'manager', 'planner', 'staff', 'service'] as const satisfies (typeof permissions)['orders:read'];
const inventoryRead = ['admin', 'manager', 'planner', 'staff', 'service'] as const satisfies (typeof permissions)['inventory:read'];
const fulfillmentWork = ['admin', 'manager', 'staff'] as const satisfies (typeof permissions)['fulfillment:work'];
const returnsManage = ['admin', 'manager', 'staff'] as const satisfies (typeof permissions)['returns:manage'];
const ordersManage = ['admin', 'manager', 'staff'] as const satisfies (typeof permissions)['orders:manage'];
const forecastsRead = ['admin', 'manager', 'planner'] as const satisfies (typeof permissions)['forecasts:read'];
const forecastsRun = ['admin', 'manager', 'planner'] as const satisfies (typeof permissions)['forecasts:run'];
const replenishmentPlan = ['admin', 'manager', 'planner'] as const satisfies (typeof permissions)['replenishment:plan'];
const purchasingRead = ['admin', 'manager', 'planner', 'staff', 'service'] as const satisfies (typeof permissions)['purchasing:read'];
const purchasingWrite = ['admin', 'manager', 'planner'] as const satisfies (typeof permissions)['purchasing:write'];
const purchasingReceive = ['admin', 'manager', 'staff'] as const satisfies (typeof permissions)['purchasing:receive'];
const alertsRead = ['admin', 'manager', 'planner', 'staff'] as const satisfies (typeof permissions)['alerts:read'];
const alertsAct = ['admin', 'manager', 'staff'] as const satisfies (typeof permissions)['alerts:act'];
const alertsManage = ['admin', 'manager'] as const satisfies (typeof permissions)['alerts:manage'];

export interface NavItem {
  href: string;
  label: string;
  roles: readonly Role[];
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: '/tower', label: 'Control tower', roles: analyticsRead },
  { href: '/orders', label: 'Orders', roles: ordersRead },
  { href: '/alerts', label: 'Alerts', roles: alertsRead },
  { href: '/inventory', label: 'Inventory', roles: inventoryRead },
  { href: '/fulfillment', label: 'Fulfillment', roles: fulfillmentWork },
  { href: '/returns', label: 'Returns', roles: returnsManage },
  { href: '/forecasts', label: 'Forecasts', roles: forecastsRead },
  { href: '/purchasing', label: 'Purchasing', roles: purchasingRead },
  { href: '/track', label: 'Track an order', roles: ['admin', 'manager', 'planner', 'staff', 'service'] },
];

export function navFor(roles: readonly Role[]): NavItem[] {
  return NAV_ITEMS.filter((item) => item.roles.some((role) => roles.includes(role)));
}

/** Where a user lands after login: the first page of their navigation. */
export function homeFor(roles: readonly Role[]): string {
  return navFor(roles)[0]?.href ?? '/track';
}

export function canUse(roles: readonly Role[], href: string): boolean {
  const item = NAV_ITEMS.find((candidate) => href === candidate.href || href.startsWith(`${candidate.href}/`));
  return !item || item.roles.some((role) => roles.includes(role));
}

/** Cancelling, holding and releasing orders. */
export function canManageOrders(roles: readonly Role[]): boolean {
  return ordersManage.some((role) => roles.includes(role));
}

const holds = (allowed: readonly Role[], roles: readonly Role[]) => allowed.some((role) => roles.includes(role));

/** Starting a forecast run now. */
export function canRunForecasts(roles: readonly Role[]): boolean {
  return holds(forecastsRun, roles);
}

/** Editing, approving and rejecting restock proposals. */
export function canPlanReplenishment(roles: readonly Role[]): boolean {
  return holds(replenishmentPlan, roles);
}

/** Submitting, cancelling and closing purchase orders; cancelling transfers. */
export function canWritePurchasing(roles: readonly Role[]): boolean {
  return holds(purchasingWrite, roles);
}

/** Receiving purchase orders and transfers, shipping transfers (staff at their locations). */
export function canReceivePurchasing(roles: readonly Role[]): boolean {
  return holds(purchasingReceive, roles);
}

/** Seeing alerts (the inbox, and live toasts). */
export function canReadAlerts(roles: readonly Role[]): boolean {
  return holds(alertsRead, roles);
}

/** Acknowledging, assigning and resolving alerts (staff at their locations). */
export function canActOnAlerts(roles: readonly Role[]): boolean {
  return holds(alertsAct, roles);
}

/** Turning alert rules on and off, their severity and thresholds. */
export function canManageAlerts(roles: readonly Role[]): boolean {
  return holds(alertsManage, roles);
}
