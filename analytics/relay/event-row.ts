/** One outbox row as the relay reads it from PostgreSQL. */
export interface OutboxEvent {
  id: number;
  eventId: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

interface Line {
  sku: string;
  category: string;
  locationId: string;
  quantity: number;
  unitPriceCents: number;
  discountCents: number;
  taxCents: number;
}

/** The order status each event type leads to; order.released returns to `payload.to`. */
const STATUS_OF: Record<string, string> = {
  'order.placed': 'placed',
  'order.allocated': 'allocated',
  'order.backordered': 'backordered',
  'order.cancelled': 'cancelled',
  'order.held': 'on_hold',
  'order.shipped': 'shipped',
  'order.delivered': 'delivered',
};

/** The fulfillment events (specified in analytics/README.md, "Fulfillment events"). */
const FULFILLMENT = new Set(['order.shipped', 'order.delivered', 'return.received']);

/**
 * Maps an outbox event to its `order_events` row (JSONEachRow): the typed columns KPIs read,
 * filled from the payloads that server/orders, server/inventory and server/catalog write.
 * Anything unknown (a new event type, a new field) still arrives whole in `payload`.
 */
export function toOrderEventRow(event: OutboxEvent): Record<string, unknown> {
  const p = event.payload;
  const isOrder = event.aggregateType === 'order';
  const fulfillment = FULFILLMENT.has(event.type);
  const lines = linesOf(event.type, p);
  const totals = record(p['totals']);
  const delivery = record(p['delivery']);
  const destination = record(p['destination']);
  const amount = event.type === 'order.placed' ? int(totals['total']) : event.type === 'order.cancelled' ? int(p['totalCents']) : int(p['amountCents']);
  const units =
    event.type === 'inventory.adjusted'
      ? int(p['delta'])
      : lines.filter((line) => event.type !== 'order.backordered' || line.locationId !== NIL_UUID).reduce((sum, line) => sum + line.quantity, 0);
  const backorderedUnits = event.type === 'order.backordered' ? lines.filter((l) => l.locationId === NIL_UUID).reduce((sum, l) => sum + l.quantity, 0) : 0;
  return {
    event_id: event.id,
    event_uuid: event.eventId,
    type: event.type,
    aggregate_type: event.aggregateType,
    aggregate_id: event.aggregateId,
    order_id: isOrder ? event.aggregateId : NIL_UUID,
    occurred_at: clickhouseTime(event.occurredAt),
    channel: str(p['channel']),
    currency: str(p['currency']),
    status: event.type === 'order.released' ? str(p['to']) : (STATUS_OF[event.type] ?? ''),
    from_status: str(p['from']),
    location_id: event.type === 'inventory.adjusted' || fulfillment ? uuid(p['locationId']) : mainLocation(lines),
    amount_cents: amount,
    subtotal_cents: int(totals['subtotal']),
    discount_cents: int(totals['discount']),
    tax_cents: int(totals['tax']),
    shipping_cents: int(totals['shipping']),
    units,
    backordered_units: backorderedUnits,
    from_backorder: p['fromBackorder'] === true ? 1 : 0,
    delivery_method: str(delivery['method']),
    delivery_service: str(delivery['service']),
    // order.placed's destination, which the fulfillment events copy (the KPIs' region filter reads it per row)
    country: str(destination['country']),
    region: str(destination['region']),
    'lines.sku': lines.map((l) => l.sku),
    'lines.category': lines.map((l) => l.category),
    'lines.location_id': lines.map((l) => l.locationId),
    'lines.quantity': lines.map((l) => l.quantity),
    'lines.unit_price_cents': lines.map((l) => l.unitPriceCents),
    'lines.discount_cents': lines.map((l) => l.discountCents),
    'lines.tax_cents': lines.map((l) => l.taxCents),
    ...fulfillmentColumns(event, fulfillment),
    payload: JSON.stringify(p),
  };
}

/**
 * The `order_events` columns the relay writes, in the order of `toOrderEventValues`: every key
 * `toOrderEventRow` can return (the fulfillment ones included). Any other column (`relayed_at`,
 * columns added by later migrations) takes its default.
 */
export const ORDER_EVENT_COLUMNS = [
  'event_id', 'event_uuid', 'type', 'aggregate_type', 'aggregate_id', 'order_id', 'occurred_at', 'channel', 'currency',
  'status', 'from_status', 'location_id', 'amount_cents', 'subtotal_cents', 'discount_cents', 'tax_cents', 'shipping_cents',
  'units', 'backordered_units', 'from_backorder', 'delivery_method', 'delivery_service', 'country', 'region',
  'lines.sku', 'lines.category', 'lines.location_id', 'lines.quantity', 'lines.unit_price_cents', 'lines.discount_cents', 'lines.tax_cents',
  'carrier', 'shipment_id', 'shipment_number', 'packages', 'placed_at', 'promised_at', 'delivered_at',
  'label_cost_cents', 'packaging_cost_cents', 'pick_pack_cost_cents',
  'payload',
] as const;

/** What a column absent from `toOrderEventRow`'s answer holds (the columns' defaults in migration 0002). */
const COLUMN_DEFAULTS: Partial<Record<(typeof ORDER_EVENT_COLUMNS)[number], unknown>> = {
  carrier: '',
  shipment_id: '',
  shipment_number: 0,
  packages: 0,
  placed_at: null,
  promised_at: null,
  delivered_at: null,
  label_cost_cents: 0,
  packaging_cost_cents: 0,
  pick_pack_cost_cents: 0,
};

/**
 * The same row as `toOrderEventRow`, as the values of `ORDER_EVENT_COLUMNS` in that order: what
 * the relay inserts (format JSONCompactEachRow). Without the column names on every row,
 * ClickHouse parses a batch in about two thirds of the time JSONEachRow takes (see
 * test/bench/RESULTS.md, relay throughput).
 */
export function toOrderEventValues(event: OutboxEvent): unknown[] {
  const row = toOrderEventRow(event);
  return ORDER_EVENT_COLUMNS.map((column) => (column in row ? row[column] : (COLUMN_DEFAULTS[column] ?? null)));
}

/** The columns of migration 0002: defaults for every event but order.shipped / order.delivered / return.received. */
function fulfillmentColumns(event: OutboxEvent, fulfillment: boolean): Record<string, unknown> {
  const p = event.payload;
  if (!fulfillment) return {};
  const deliveredAt = event.type === 'order.delivered' ? (time(p['deliveredAt']) ?? clickhouseTime(event.occurredAt)) : null;
  return {
    carrier: str(p['carrier']),
    shipment_id: event.type === 'return.received' ? str(p['returnId']) : str(p['shipmentId']),
    shipment_number: event.type === 'order.shipped' ? Math.max(1, Math.min(65_535, int(p['shipmentNumber']))) : 0,
    packages: event.type === 'order.shipped' ? Math.min(65_535, list(p['packages']).length) : 0,
    placed_at: time(p['placedAt']),
    promised_at: time(p['promisedAt']),
    delivered_at: deliveredAt,
    label_cost_cents: int(p['labelCostCents']),
    packaging_cost_cents: int(p['packagingCostCents']),
    pick_pack_cost_cents: int(p['pickPackCostCents']),
  };
}

/** An ISO 8601 time in a payload, as a DateTime64 column value; null when absent or not a time. */
function time(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : clickhouseTime(at);
}

function linesOf(type: string, p: Record<string, unknown>): Line[] {
  switch (type) {
    case 'order.placed':
      return list(p['lines']).map((l) => line({ sku: l['sku'], category: l['category'], quantity: l['quantity'], unitPriceCents: l['unitPriceCents'], discountCents: l['discountCents'], taxCents: l['taxCents'] }));
    case 'order.allocated':
      return list(p['allocations']).map((a) => line({ sku: a['sku'], locationId: a['locationId'], quantity: a['quantity'] }));
    case 'order.backordered':
      return [
        ...list(p['allocations']).map((a) => line({ sku: a['sku'], locationId: a['locationId'], quantity: a['quantity'] })),
        ...list(p['backordered']).map((b) => line({ sku: b['sku'], quantity: b['quantity'] })),
      ];
    case 'order.cancelled':
      return list(p['released']).map((r) => line({ sku: r['sku'], locationId: r['locationId'], quantity: r['quantity'] }));
    case 'inventory.adjusted':
      return [line({ sku: p['sku'], locationId: p['locationId'], quantity: p['delta'] })];
    case 'order.shipped':
    case 'order.delivered':
    case 'return.received':
      return list(p['lines']).map((l) => line({ sku: l['sku'], category: l['category'], locationId: p['locationId'], quantity: l['quantity'] }));
    case 'product.created':
      return [line({ sku: p['sku'], category: p['category'], unitPriceCents: p['priceCents'] })];
    default:
      return [];
  }
}

function line(fields: Partial<Record<keyof Line, unknown>>): Line {
  return {
    sku: str(fields.sku),
    category: str(fields.category),
    locationId: uuid(fields.locationId),
    quantity: int(fields.quantity),
    unitPriceCents: int(fields.unitPriceCents),
    discountCents: int(fields.discountCents),
    taxCents: int(fields.taxCents),
  };
}

/** The location that holds most of the event's units (the first one on a tie). */
function mainLocation(lines: Line[]): string {
  const units = new Map<string, number>();
  for (const l of lines) if (l.locationId !== NIL_UUID) units.set(l.locationId, (units.get(l.locationId) ?? 0) + l.quantity);
  let best = NIL_UUID;
  let most = -Infinity;
  for (const [location, quantity] of units) {
    if (quantity > most) [best, most] = [location, quantity];
  }
  return best;
}

/** `2024-05-01 12:34:56.789`: what a DateTime64(3, 'UTC') column parses without settings. */
export function clickhouseTime(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', '');
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(record) : [];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function int(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : 0;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuid(value: unknown): string {
  return typeof value === 'string' && UUID.test(value) ? value : NIL_UUID;
}
