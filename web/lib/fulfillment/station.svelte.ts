import type { PickList as PickListSchema, Shipment as ShipmentSchema } from '#server/fulfillment/fulfillment.schemas.ts';
import type { z } from 'zod';
import { api, errorMessage } from '../api/client.ts';

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

/** One location's floor: what to pick, what to pack, what to hand over. */
export class Station {
  locationId = $state('');
  pickList = $state<PickList | null>(null);
  picking = $state<Shipment[]>([]);
  packed = $state<Shipment[]>([]);
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
      const [pickList, picking, packed] = await Promise.all([
        api<PickList>(`/api/fulfillment/locations/${at}/pick-list`),
        api<Shipment[]>('/api/fulfillment/shipments', { query: { locationId: at, status: 'picking', limit: 200 } }),
        api<Shipment[]>('/api/fulfillment/shipments', { query: { locationId: at, status: 'packed', limit: 200 } }),
      ]);
      if (at !== this.locationId) return;
      this.pickList = pickList;
      this.picking = picking;
      this.packed = packed;
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  private async run(key: string, work: () => Promise<unknown>): Promise<void> {
    this.busy = key;
    this.actionError = null;
    try {
      await work();
      await this.load();
    } catch (error) {
      this.actionError = errorMessage(error);
    } finally {
      this.busy = null;
    }
  }

  /** Claims the line (unless this picker holds it already) and confirms the units found. */
  pick(shipmentLineId: string, quantity: number, claimed: boolean): Promise<void> {
    return this.run(`pick:${shipmentLineId}`, async () => {
      if (!claimed) await api('/api/fulfillment/pick-claims', { method: 'POST', body: { shipmentLineIds: [shipmentLineId] } });
      await api(`/api/fulfillment/shipment-lines/${shipmentLineId}/pick`, { method: 'POST', body: { quantity } });
    });
  }

  pack(shipment: Shipment): Promise<void> {
    return this.run(`pack:${shipment.id}`, () => api(`/api/fulfillment/shipments/${shipment.id}/pack`, { method: 'POST', body: { items: packItems(shipment) } }));
  }

  handOver(shipment: Shipment, action: 'ship' | 'ready-for-pickup'): Promise<void> {
    return this.run(`${action}:${shipment.id}`, () => api(`/api/fulfillment/shipments/${shipment.id}/${action}`, { method: 'POST' }));
  }
}
