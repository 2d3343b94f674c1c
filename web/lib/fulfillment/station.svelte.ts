import type { PickList as PickListSchema, Shipment as ShipmentSchema } from '#server/fulfillment/fulfillment.schemas.ts';
import type { z } from 'zod';
import { api, errorMessage } from '../api/client.ts';
import { rejectionBody, type Reason, type Rejection } from './rejection.ts';

export type PickList = z.infer<typeof PickListSchema>;
export type Shipment = z.infer<typeof ShipmentSchema>;

/** A shipment whose every line is picked waits to be packed. */
export function readyToPack(shipment: Shipment): boolean {
  return shipment.status === 'picking' && shipment.lines.length > 0 && shipment.lines.every((line) => line.pickedAt !== null);
}

/** What the packer scans: each SKU's picked units. */
export function packItems(shipment: Shipment): { sku: string; quantity: number }[] {
  const bySku = new Map<string, number>();
  for (const line of shipment.lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.pickedQuantity);
  return [...bySku.entries()].filter(([, quantity]) => quantity > 0).map(([sku, quantity]) => ({ sku, quantity }));
}

/** A shipment whose lines are not all picked yet: the location may still say it cannot send it. */
export function rejectable(shipment: Shipment): boolean {
  return (shipment.status === 'pending' || shipment.status === 'picking') && !readyToPack(shipment);
}

/** One location's floor: what to pick, what to pack, what to hand over, what waits at the pickup counter. */
export class Station {
  locationId = $state('');
  pickList = $state<PickList | null>(null);
  pending = $state<Shipment[]>([]);
  picking = $state<Shipment[]>([]);
  packed = $state<Shipment[]>([]);
  awaitingPickup = $state<Shipment[]>([]);
  /** The last rejection's outcome, until the next action. */
  rejection = $state<{ orderNumber: string; result: Rejection } | null>(null);
  /** The last pickup hand-over, as a confirmation. */
  handedOver = $state<Shipment | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  actionError = $state<string | null>(null);
  busy = $state<string | null>(null);

  async load(): Promise<void> {
    if (!this.locationId) return;
    this.loading = true;
    this.error = null;
    const at = this.locationId;
    try {
      const shipments = (status: Shipment['status']) => api<Shipment[]>('/api/fulfillment/shipments', { query: { locationId: at, status, limit: 200 } });
      const [pickList, pending, picking, packed, awaitingPickup] = await Promise.all([
        api<PickList>(`/api/fulfillment/locations/${at}/pick-list`),
        shipments('pending'),
        shipments('picking'),
        shipments('packed'),
        shipments('ready_for_pickup'),
      ]);
      if (at !== this.locationId) return;
      this.pickList = pickList;
      this.pending = pending;
      this.picking = picking;
      this.packed = packed;
      this.awaitingPickup = awaitingPickup;
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  /** True when the action succeeded (the queues are then reloaded); its problem is in `actionError` otherwise. */
  private async run(key: string, work: () => Promise<unknown>): Promise<boolean> {
    this.busy = key;
    this.actionError = null;
    this.rejection = null;
    this.handedOver = null;
    try {
      await work();
      await this.load();
      return true;
    } catch (error) {
      this.actionError = errorMessage(error);
      return false;
    } finally {
      this.busy = null;
    }
  }

  /** Claims the line (unless this picker holds it already) and confirms the units found. */
  pick(shipmentLineId: string, quantity: number, claimed: boolean): Promise<boolean> {
    return this.run(`pick:${shipmentLineId}`, async () => {
      if (!claimed) await api('/api/fulfillment/pick-claims', { method: 'POST', body: { shipmentLineIds: [shipmentLineId] } });
      await api(`/api/fulfillment/shipment-lines/${shipmentLineId}/pick`, { method: 'POST', body: { quantity } });
    });
  }

  pack(shipment: Shipment): Promise<boolean> {
    return this.run(`pack:${shipment.id}`, () => api(`/api/fulfillment/shipments/${shipment.id}/pack`, { method: 'POST', body: { items: packItems(shipment) } }));
  }

  handOver(shipment: Shipment, action: 'ship' | 'ready-for-pickup'): Promise<boolean> {
    return this.run(`${action}:${shipment.id}`, () => api(`/api/fulfillment/shipments/${shipment.id}/${action}`, { method: 'POST' }));
  }

  /** The customer collected a pickup shipment at the counter. */
  pickedUp(shipment: Shipment): Promise<boolean> {
    return this.run(`picked-up:${shipment.id}`, async () => {
      this.handedOver = await api<Shipment>(`/api/fulfillment/shipments/${shipment.id}/picked-up`, { method: 'POST' });
    });
  }

  /** The location cannot send (all of) a shipment: its units are sourced again elsewhere or backordered. */
  reject(shipment: Shipment, reason: Reason, sendable: Record<string, number>): Promise<boolean> {
    return this.run(`reject:${shipment.id}`, async () => {
      const result = await api<Rejection>(`/api/fulfillment/shipments/${shipment.id}/reject`, { method: 'POST', body: rejectionBody(shipment, reason, sendable) });
      this.rejection = { orderNumber: shipment.orderNumber, result };
    });
  }
}
