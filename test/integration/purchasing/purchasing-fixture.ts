import type { ApiClient } from '#test/support/api-client.ts';
import { expectStatus, unique } from '#test/support/factories.ts';
import type { TestServer } from '#test/support/test-server.ts';

export interface PurchaseOrderBody {
  id: string;
  number: string;
  status: string;
  supplierId: string;
  locationId: string;
  currency: string;
  totalCents: number;
  expectedAt: string | null;
  orderedAt: string;
  submittedAt: string | null;
  receivedAt: string | null;
  lines: { sku: string; quantityOrdered: number; quantityReceived: number; quantityOpen: number; unitCostCents: number }[];
  receipts: { sku: string; quantity: number; receivedAt: string; ledgerId: number }[];
  backordersAllocated?: string[];
}

export interface TransferBody {
  id: string;
  number: string;
  status: string;
  fromLocationId: string;
  toLocationId: string;
  expectedAt: string | null;
  requestedAt: string;
  shippedAt: string | null;
  lines: { sku: string; quantity: number; quantityShipped: number; quantityReceived: number }[];
  backordersAllocated?: string[];
}

export async function createSupplier(api: ApiClient, overrides: Record<string, unknown> = {}) {
  const response = await api.post('/api/suppliers', { code: unique('SUP'), name: 'Test supplier', leadTimeDays: 10, ...overrides });
  return expectStatus(response, 201).body as { id: string; code: string; leadTimeDays: number; currency: string };
}

export async function setTerms(api: ApiClient, supplierId: string, sku: string, terms: Record<string, unknown>) {
  const response = await api.put(`/api/suppliers/${supplierId}/products/${encodeURIComponent(sku)}`, terms);
  return expectStatus(response, 200).body;
}

export async function onHand(server: TestServer, sku: string, locationId: string): Promise<number> {
  const { rows } = await server.pool.query('select on_hand from inventory_levels where sku = $1 and location_id = $2', [sku, locationId]);
  return (rows[0]?.on_hand as number | undefined) ?? 0;
}

export async function ledgerOf(server: TestServer, sku: string): Promise<{ locationId: string; delta: number; reason: string; note: string | null; occurredAt: string }[]> {
  const { rows } = await server.pool.query('select location_id, on_hand_delta, reason, note, occurred_at from inventory_ledger where sku = $1 order by id', [sku]);
  return rows.map((r) => ({ locationId: r.location_id, delta: r.on_hand_delta, reason: r.reason, note: r.note, occurredAt: (r.occurred_at as Date).toISOString() }));
}

export async function eventsOf(server: TestServer, aggregateId: string): Promise<{ type: string; occurredAt: string; payload: any }[]> {
  const { rows } = await server.pool.query('select type, occurred_at, payload from outbox where aggregate_id = $1 order by id', [aggregateId]);
  return rows.map((r) => ({ type: r.type, occurredAt: (r.occurred_at as Date).toISOString(), payload: r.payload }));
}

/** inventory.adjusted events that name this SKU. */
export async function stockEventsOf(server: TestServer, sku: string): Promise<{ locationId: string; delta: number; reason: string }[]> {
  const { rows } = await server.pool.query(`select payload from outbox where type = 'inventory.adjusted' and payload->>'sku' = $1 order by id`, [sku]);
  return rows.map((r) => ({ locationId: r.payload.locationId, delta: r.payload.delta, reason: r.payload.reason }));
}
