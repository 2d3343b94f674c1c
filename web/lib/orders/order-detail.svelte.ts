import type { RerouteResult as RerouteResultSchema, Shipment as ShipmentSchema } from '#server/fulfillment/fulfillment.schemas.ts';
import type { z } from 'zod';
import { api, errorMessage } from '../api/client.ts';
import type { Location, Order } from '../api/types.ts';

export type Shipment = z.infer<typeof ShipmentSchema>;
export type RerouteResult = z.infer<typeof RerouteResultSchema>;

/** The locations an order's units are allocated at: where a manager may reroute them from. */
export function allocatedLocationIds(order: Order): string[] {
  return [...new Set(order.lines.flatMap((line) => line.allocations.filter((a) => a.quantity > 0).map((a) => a.locationId)))];
}

/** Rerouting moves units not yet picked: before packing, and not while held. */
export function canReroute(order: Order): boolean {
  return ['placed', 'allocated', 'backordered', 'picking'].includes(order.status) && allocatedLocationIds(order).length > 0;
}
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
  locations = $state<Location[]>([]);
  rerouted = $state<RerouteResult | null>(null);
  shipments = $state<Shipment[]>([]);
  loading = $state(true);
  error = $state<string | null>(null);
  actionError = $state<string | null>(null);
  busy = $state<OrderAction | 'reroute' | null>(null);

  constructor(readonly id: string) {}

  async load(): Promise<void> {
    try {
      const [order, shipments, locations] = await Promise.all([
        api<Order>(`/api/orders/${encodeURIComponent(this.id)}`),
        api<Shipment[]>('/api/fulfillment/shipments', { query: { orderId: this.id } }).catch(() => [] as Shipment[]),
        this.locations.length ? Promise.resolve(this.locations) : api<Location[]>('/api/locations').catch(() => [] as Location[]),
      ]);
      this.order = order;
      this.shipments = shipments;
      this.locations = locations;
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  locationName(id: string): string {
    const location = this.locations.find((candidate) => candidate.id === id);
    return location ? `${location.code} · ${location.name}` : id.slice(0, 8);
  }

  /** Moves the units not yet picked away from a location, to another or where sourcing decides. */
  async reroute(fromLocationId: string, toLocationId: string): Promise<boolean> {
    this.busy = 'reroute';
    this.actionError = null;
    try {
      this.rerouted = await api<RerouteResult>(`/api/orders/${encodeURIComponent(this.id)}/reroute`, {
        method: 'POST',
        body: toLocationId ? { fromLocationId, toLocationId } : { fromLocationId },
      });
      await this.load();
      return true;
    } catch (error) {
      this.actionError = errorMessage(error);
      return false;
    } finally {
      this.busy = null;
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
