import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { purchaseOrdersRoutes } from './purchase-orders.routes.ts';
import { suppliersRoutes } from './suppliers.routes.ts';
import { transfersRoutes } from './transfers.routes.ts';

/** Suppliers, transfer lanes, purchase orders, transfers and inbound stock. */
export function purchasingRoutes(deps: RouteDeps) {
  return createRouter().route('/', suppliersRoutes(deps)).route('/', purchaseOrdersRoutes(deps)).route('/', transfersRoutes(deps));
}
