import type { Shipment as ShipmentSchema } from '#server/fulfillment/fulfillment.schemas.ts';
import type { z } from 'zod';
import { api, errorMessage } from '../api/client.ts';
import type { Order } from '../api/types.ts';

export type Shipment = z.infer<typeof ShipmentSchema>;
export type OrderAction = 'cancel' | 'hold' | 'release';

/**
 * Which actions the order's status allows, as server/orders/order-status.ts has them (the server
 * still decides: a refused action shows its 409). Shipped and later orders take none.
 */
export function availableActions(status: Order['status']): OrderAction[] {
  if (status === 'on_hold') return ['cancel', 'release'];
  if (['placed', 'allocated', 'backordered', 'picking', 'packed'].includes(status)) return ['cancel', 'hold'];
  return [];
}

/** One order with its timeline and shipments; reloaded live when one of its events arrives. */
export class OrderDetail {
  order = $state<Order | null>(null);
  shipments = $state<Shipment[]>([]);
  loading = $state(true);
  error = $state<string | null>(null);
  actionError = $state<string | null>(null);
  busy = $state<OrderAction | null>(null);

  constructor(readonly id: string) {}

  async load(): Promise<void> {
    try {
      const [order, shipments] = await Promise.all([
        api<Order>(`/api/orders/${encodeURIComponent(this.id)}`),
        api<Shipment[]>('/api/fulfillment/shipments', { query: { orderId: this.id } }).catch(() => [] as Shipment[]),
      ]);
      this.order = order;
      this.shipments = shipments;
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  async act(action: OrderAction, reason: string): Promise<void> {
    this.busy = action;
    this.actionError = null;
    try {
      const body = action === 'release' ? undefined : reason.trim() ? { reason: reason.trim() } : {};
      await api<Order>(`/api/orders/${encodeURIComponent(this.id)}/${action}`, { method: 'POST', body });
      await this.load();
    } catch (error) {
      this.actionError = errorMessage(error);
    } finally {
      this.busy = null;
    }
  }
}
