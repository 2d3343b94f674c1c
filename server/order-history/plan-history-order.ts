import { randomUUID } from 'node:crypto';
import { ValidationError, type FieldError } from '#server/core/errors.ts';
import { carrierPromise, chooseCarrier, type ShipmentRoute } from '#server/fulfillment/carrier-rules.ts';
import { packageRows, packUnits, type PickedLineRow } from '#server/fulfillment/pack-shipment.ts';
import { planPackages, type Packaging, type PlannedPackage } from '#server/fulfillment/plan-packages.ts';
import type { LockedShipment } from '#server/fulfillment/lock-shipment.ts';
import type { OrderContext } from '#server/orders/order-context.ts';
import type { PlaceOrderInput } from '#server/orders/order.schemas.ts';
import { priceInContext, type PricedOrder } from '#server/orders/pricing.ts';
import { unitsValueCents } from '#server/returns/return-value.ts';
import type { SourcingPolicy } from '#server/sourcing/sourcing-policy.ts';
import type { HistoryOrderItem, HistoryReturn, HistoryShipment } from './order-history.schemas.ts';

/** A location as an imported shipment needs it: its costs and where it is. */
export interface HistoryLocation {
  id: string;
  kind: ShipmentRoute['location']['kind'];
  lat: number;
  lon: number;
  pickCostCents: number;
  packCostCents: number;
}

/** What every order of an import is planned against. */
export interface HistoryReference {
  locations: ReadonlyMap<string, HistoryLocation>;
  packagings: Packaging[];
  policy: SourcingPolicy;
  /** The payment provider whose card payments these were (refunds of them go to it later). */
  provider: string;
  now: Date;
}

export interface PlannedShipmentLine {
  id: string;
  orderLineId: string;
  sku: string;
  quantity: number;
}

export interface PlannedShipment {
  /** Shaped as fulfillment's event builders take a shipment. */
  shipment: LockedShipment;
  status: 'shipped' | 'delivered' | 'ready_for_pickup' | 'picked_up';
  lines: PlannedShipmentLine[];
  packages: { id: string; row: ReturnType<typeof packageRows>[number]; planned: PlannedPackage; status: 'label_created' | 'in_transit' | 'delivered' }[];
  capturedCents: number;
  pickingStartedAt: Date;
  packedAt: Date;
  shippedAt: Date;
  deliveredAt: Date | null;
}

export interface PlannedReturn {
  id: string;
  input: HistoryReturn;
  /** How far it got: authorized (goods on their way back), inspected (received whole), resolved. */
  status: 'authorized' | 'inspected' | 'resolved';
  requestedAt: Date;
  authorizedAt: Date;
  receivedAt: Date | null;
  resolvedAt: Date | null;
  lines: { id: string; orderLineId: string; sku: string; category: string; quantity: number; reason: HistoryReturn['lines'][number]['reason']; restock: number; scrap: number }[];
  goodsCents: number;
  refundedCents: number;
  storeCreditCents: number;
}

/** One closed order, decided down to its rows: ids, prices, costs, packages and payments. */
export interface PlannedHistoryOrder {
  orderId: string;
  addressId: string;
  lineIds: string[];
  item: HistoryOrderItem;
  input: PlaceOrderInput;
  reference: OrderContext;
  priced: PricedOrder;
  placedAt: Date;
  cancelledAt: Date | null;
  status: 'cancelled' | 'shipped' | 'delivered' | 'return_requested' | 'returned';
  payment: { id: string; provider: string; method: 'card' | 'invoice'; status: string; authorizedCents: number; capturedCents: number; refundedCents: number; providerRef: string | null } | null;
  shipments: PlannedShipment[];
  return: PlannedReturn | null;
}

const at = (iso: string) => new Date(iso);

/**
 * Plans one closed order of an import: priced as Tower priced it at its moment, its shipments
 * packed and costed by Tower's own rules (packaging, carrier tables, location labour), its card
 * payment captured as the parcels left and refunded by its return. Throws a ValidationError whose
 * paths name the item's fields (`shipments.0.lines.1.quantity`) when the history does not hold
 * together: units shipped that were not ordered or never shipped, moments out of order or in
 * the future, a return of more than was delivered.
 */
export function planHistoryOrder(item: HistoryOrderItem, input: PlaceOrderInput, reference: OrderContext, history: HistoryReference): PlannedHistoryOrder {
  const errors: FieldError[] = [];
  const placedAt = at(item.placedAt);
  if (placedAt > history.now) errors.push({ path: 'placedAt', message: 'is in the future' });
  checkPayment(input, item, errors);
  if ((item.cancelledAt === undefined) === (item.shipments === undefined)) {
    errors.push({ path: 'shipments', message: 'a closed order was either cancelled (cancelledAt) or shipped (shipments), one of the two' });
  }
  if (item.cancelledAt !== undefined && at(item.cancelledAt) < placedAt) errors.push({ path: 'cancelledAt', message: 'is before placedAt' });
  if (item.cancelledAt !== undefined && at(item.cancelledAt) > history.now) errors.push({ path: 'cancelledAt', message: 'is in the future' });
  if (item.return && item.cancelledAt !== undefined) errors.push({ path: 'return', message: 'a cancelled order has nothing to return' });
  if (errors.length > 0) throw new ValidationError(errors);

  const priced = priceInContext(input, reference);
  const orderId = randomUUID();
  const lineIds = input.lines.map(() => randomUUID());
  const shipments = (item.shipments ?? []).map((s, i) => planShipment(s, i, { orderId, input, reference, lineIds, placedAt, history }, errors));
  if (item.shipments) checkEveryUnitShipped(input, item.shipments, errors);
  if (errors.length > 0) throw new ValidationError(errors);

  const netByLine = priced.lines.map((l) => l.unitPriceCents * l.quantity - l.discountCents + l.taxCents);
  captureShares(shipments, input, priced, netByLine);
  const planned = item.return ? planReturn(item.return, { input, reference, lineIds, shipments, netByLine, now: history.now }, errors) : null;
  if (errors.length > 0) throw new ValidationError(errors);

  const capturedCents = shipments.reduce((sum, s) => sum + s.capturedCents, 0);
  return {
    orderId,
    addressId: randomUUID(),
    lineIds,
    item,
    input,
    reference,
    priced,
    placedAt,
    cancelledAt: item.cancelledAt === undefined ? null : at(item.cancelledAt),
    status: orderStatusOf(item, shipments, planned),
    payment: paymentOf(input, priced, history.provider, item.idempotencyKey, capturedCents, planned?.refundedCents ?? 0),
    shipments,
    return: planned,
  };
}

/** History cannot know a customer's store credit balance at the time: such orders are refused, not guessed. */
function checkPayment(input: PlaceOrderInput, item: HistoryOrderItem, errors: FieldError[]): void {
  if (input.payment.method === 'store_credit' || (input.payment.method === 'card' && input.payment.storeCreditCents !== undefined)) {
    errors.push({ path: 'order.payment', message: 'store credit spent on an imported order is not supported; import it as paid by card or invoice' });
  }
  if (item.return?.resolution === 'refund' && input.payment.method === 'invoice') {
    errors.push({ path: 'return.resolution', message: 'an order on invoice took no card payment to refund; resolve with store_credit' });
  }
}

interface ShipmentScope {
  orderId: string;
  input: PlaceOrderInput;
  reference: OrderContext;
  lineIds: string[];
  placedAt: Date;
  history: HistoryReference;
}

function planShipment(s: HistoryShipment, index: number, scope: ShipmentScope, errors: FieldError[]): PlannedShipment {
  const { input, reference, history } = scope;
  const path = `shipments.${index}`;
  const pickup = input.delivery.method === 'pickup';
  const location = history.locations.get(s.locationId);
  if (!location) errors.push({ path: `${path}.locationId`, message: 'no location has this id' });
  if (pickup && s.locationId !== reference.pickupLocation?.id) errors.push({ path: `${path}.locationId`, message: 'a pickup order is handed over at its pickup location' });
  if (pickup && s.carrier !== undefined) errors.push({ path: `${path}.carrier`, message: 'a pickup has no carrier' });
  checkMoments(s, path, scope.placedAt, history.now, errors);

  const lines = s.lines.map((l, i): PlannedShipmentLine => {
    const lineIndex = input.lines.findIndex((ordered) => ordered.sku === l.sku);
    if (lineIndex < 0) errors.push({ path: `${path}.lines.${i}.sku`, message: `${l.sku} is not a line of the order` });
    return { id: randomUUID(), orderLineId: scope.lineIds[lineIndex] ?? '', sku: l.sku, quantity: l.quantity };
  });
  // Every unit was picked: the packer's rows as packing reads them.
  const picked: PickedLineRow[] = lines.map((l) => {
    const product = reference.products.get(l.sku);
    return { id: l.id, sku: l.sku, picked_quantity: l.quantity, picked_at: null, weight_grams: product?.weightGrams ?? null, length_mm: product?.lengthMm ?? null, width_mm: product?.widthMm ?? null, height_mm: product?.heightMm ?? null };
  });
  const packed = planPackages(packUnits(picked), history.packagings);
  if (!packed.ok) errors.push({ path: `${path}.lines`, message: `${packed.sku} ${packed.reason}` });
  const kind = location?.kind ?? 'warehouse';
  const route: ShipmentRoute = {
    method: input.delivery.method,
    service: input.delivery.service,
    placedAt: scope.placedAt,
    location: { kind, lat: location?.lat ?? 0, lon: location?.lon ?? 0 },
    destination: input.shippingAddress?.lat !== undefined && input.shippingAddress.lon !== undefined ? { lat: input.shippingAddress.lat, lon: input.shippingAddress.lon } : null,
  };
  const packages = packed.ok ? packed.packages : [];
  const weight = packages.reduce((sum, p) => sum + p.weightGrams, 0);
  const volume = packages.reduce((sum, p) => sum + p.packaging.innerLengthMm * p.packaging.innerWidthMm * p.packaging.innerHeightMm, 0);
  // The carrier named by the history keeps its own promise; otherwise the policy chooses, as sourcing would have.
  const chosen = pickup || s.carrier === undefined ? chooseCarrier(route, Math.max(1, weight), volume, history.policy) : { carrier: s.carrier, promisedAt: carrierPromise(route, s.carrier, history.policy) };
  const { carrier, promisedAt } = chosen;
  if (!pickup && s.carrier !== undefined && promisedAt === null) errors.push({ path: `${path}.carrier`, message: `${s.carrier} has no ${input.delivery.service} rate in the sourcing policy` });

  const shipment: LockedShipment = {
    id: randomUUID(),
    orderId: scope.orderId,
    orderStatus: 'shipped',
    deliveryMethod: input.delivery.method,
    number: index + 1,
    locationId: s.locationId,
    status: 'shipped',
    carrier,
    service: input.delivery.service,
    promisedAt,
    pickPackCostCents: (location?.pickCostCents ?? 0) * lines.reduce((sum, l) => sum + l.quantity, 0) + (location?.packCostCents ?? 0),
    packagingCostCents: packages.reduce((sum, p) => sum + p.packaging.costCents, 0),
    labelCostCents: 0,
  };
  const rows = packageRows({ sourcingPolicy: history.policy }, shipment, route, packages, at(s.packedAt));
  shipment.labelCostCents = rows.reduce((sum, r) => sum + r.labelCostCents, 0);
  const deliveredAt = s.deliveredAt === undefined ? null : at(s.deliveredAt);
  const packageStatus = deliveredAt ? 'delivered' : pickup ? 'label_created' : 'in_transit';
  return {
    shipment,
    status: pickup ? (deliveredAt ? 'picked_up' : 'ready_for_pickup') : deliveredAt ? 'delivered' : 'shipped',
    lines,
    packages: rows.map((row, i) => ({ id: randomUUID(), row, planned: packages[i]!, status: packageStatus })),
    capturedCents: 0,
    pickingStartedAt: at(s.pickingStartedAt),
    packedAt: at(s.packedAt),
    shippedAt: at(s.shippedAt),
    deliveredAt,
  };
}

/** placedAt ≤ pickingStartedAt ≤ packedAt ≤ shippedAt ≤ deliveredAt ≤ now. */
function checkMoments(s: HistoryShipment, path: string, placedAt: Date, now: Date, errors: FieldError[]): void {
  const steps: [string, string | undefined][] = [['pickingStartedAt', s.pickingStartedAt], ['packedAt', s.packedAt], ['shippedAt', s.shippedAt], ['deliveredAt', s.deliveredAt]];
  let before: [string, Date] = ['placedAt', placedAt];
  for (const [name, iso] of steps) {
    if (iso === undefined) continue;
    const moment = at(iso);
    if (moment < before[1]) errors.push({ path: `${path}.${name}`, message: `is before ${before[0]}` });
    if (moment > now) errors.push({ path: `${path}.${name}`, message: 'is in the future' });
    before = [name, moment];
  }
}

/** Imported history is closed: every unit ordered left in exactly one shipment, nothing else did. */
function checkEveryUnitShipped(input: PlaceOrderInput, shipments: readonly HistoryShipment[], errors: FieldError[]): void {
  const shipped = new Map<string, number>();
  shipments.forEach((s, i) =>
    s.lines.forEach((l, j) => {
      if (input.delivery.method === 'pickup' && i > 0) errors.push({ path: `shipments.${i}`, message: 'a pickup order is handed over in one shipment' });
      const key = `${i}/${l.sku}`;
      if (shipped.has(key)) errors.push({ path: `shipments.${i}.lines.${j}.sku`, message: `repeats ${l.sku}; put its whole quantity on one line` });
      shipped.set(key, 1);
      shipped.set(l.sku, (shipped.get(l.sku) ?? 0) + l.quantity);
    }),
  );
  input.lines.forEach((line, i) => {
    const sent = shipped.get(line.sku) ?? 0;
    if (sent !== line.quantity) errors.push({ path: `order.lines.${i}.quantity`, message: `${line.quantity} units of ${line.sku} were ordered, the shipments carry ${sent}` });
  });
}

/**
 * Each shipment captured its units' value (each line's total after discount, with tax, pro rata
 * to its units) and the first one the shipping fee; the last took whatever was left, as
 * capture-shipment-payment.ts does. Invoices capture nothing.
 */
function captureShares(shipments: PlannedShipment[], input: PlaceOrderInput, priced: PricedOrder, netByLine: readonly number[]): void {
  if (input.payment.method !== 'card' || shipments.length === 0) return;
  const sentBefore = input.lines.map(() => 0);
  let left = priced.totalCents;
  shipments.forEach((s, k) => {
    let value = s.shipment.number === 1 ? priced.shippingCents : 0;
    for (const line of s.lines) {
      const i = input.lines.findIndex((l) => l.sku === line.sku);
      value += unitsValueCents({ netCents: netByLine[i]!, quantity: input.lines[i]!.quantity }, sentBefore[i]!, line.quantity);
      sentBefore[i]! += line.quantity;
    }
    s.capturedCents = k === shipments.length - 1 ? left : Math.min(left, value);
    left -= s.capturedCents;
  });
}

interface ReturnScope {
  input: PlaceOrderInput;
  reference: OrderContext;
  lineIds: string[];
  shipments: PlannedShipment[];
  netByLine: readonly number[];
  now: Date;
}

/**
 * A return of delivered units as far as it got: requested after the last delivery and authorized,
 * maybe received (whole: partial receipts are the returns API's), maybe resolved.
 */
function planReturn(r: HistoryReturn, scope: ReturnScope, errors: FieldError[]): PlannedReturn {
  const delivered = scope.shipments.map((s) => s.deliveredAt);
  if (delivered.some((d) => d === null)) errors.push({ path: 'return', message: 'only delivered orders are returned: every shipment needs deliveredAt' });
  const lastDelivery = Math.max(...delivered.map((d) => d?.getTime() ?? 0));
  const requestedAt = at(r.requestedAt);
  if (requestedAt.getTime() < lastDelivery) errors.push({ path: 'return.requestedAt', message: 'is before the last delivery' });
  const steps: [string, string | undefined][] = [['authorizedAt', r.authorizedAt], ['receivedAt', r.receivedAt], ['resolvedAt', r.resolvedAt]];
  let before: [string, Date] = ['requestedAt', requestedAt];
  for (const [name, iso] of steps) {
    if (iso === undefined) continue;
    if (at(iso) < before[1]) errors.push({ path: `return.${name}`, message: `is before ${before[0]}` });
    if (at(iso) > scope.now) errors.push({ path: `return.${name}`, message: 'is in the future' });
    before = [name, at(iso)];
  }
  if (r.resolvedAt !== undefined && r.receivedAt === undefined) errors.push({ path: 'return.resolvedAt', message: 'a return is resolved once its goods are received: receivedAt is missing' });
  if ((r.resolvedAt === undefined) !== (r.resolution === undefined)) errors.push({ path: 'return.resolution', message: 'goes with resolvedAt: how a resolved return was settled' });
  const seen = new Set<string>();
  let goodsCents = 0;
  const lines = r.lines.map((l, i) => {
    const lineIndex = scope.input.lines.findIndex((ordered) => ordered.sku === l.sku);
    const ordered = scope.input.lines[lineIndex];
    if (!ordered) errors.push({ path: `return.lines.${i}.sku`, message: `${l.sku} is not a line of the order` });
    else if (l.quantity > ordered.quantity) errors.push({ path: `return.lines.${i}.quantity`, message: `${ordered.quantity} units of ${l.sku} were delivered` });
    if (seen.has(l.sku)) errors.push({ path: `return.lines.${i}.sku`, message: `repeats ${l.sku}; put its whole quantity on one line` });
    seen.add(l.sku);
    if (ordered && l.quantity <= ordered.quantity) goodsCents += unitsValueCents({ netCents: scope.netByLine[lineIndex]!, quantity: ordered.quantity }, 0, l.quantity);
    return {
      id: randomUUID(),
      orderLineId: scope.lineIds[lineIndex] ?? '',
      sku: l.sku,
      category: scope.reference.products.get(l.sku)?.category ?? '',
      quantity: l.quantity,
      reason: l.reason,
      restock: l.disposition === 'restock' ? l.quantity : 0,
      scrap: l.disposition === 'scrap' ? l.quantity : 0,
    };
  });
  const resolved = r.resolvedAt !== undefined;
  return {
    id: randomUUID(),
    input: r,
    status: resolved ? 'resolved' : r.receivedAt !== undefined ? 'inspected' : 'authorized',
    requestedAt,
    authorizedAt: at(r.authorizedAt),
    receivedAt: r.receivedAt === undefined ? null : at(r.receivedAt),
    resolvedAt: r.resolvedAt === undefined ? null : at(r.resolvedAt),
    lines,
    goodsCents,
    refundedCents: resolved && r.resolution === 'refund' ? goodsCents : 0,
    storeCreditCents: resolved && r.resolution === 'store_credit' ? goodsCents : 0,
  };
}

/** As settle-order-status.ts has it: returned once every unit asked back came back, until then return_requested. */
function orderStatusOf(item: HistoryOrderItem, shipments: readonly PlannedShipment[], planned: PlannedReturn | null): PlannedHistoryOrder['status'] {
  if (item.cancelledAt !== undefined) return 'cancelled';
  if (planned) return planned.receivedAt ? 'returned' : 'return_requested';
  return shipments.every((s) => s.deliveredAt !== null) ? 'delivered' : 'shipped';
}

/**
 * The card payment as it stands after the order's life: authorized for the total, captured as
 * the parcels left (nothing when cancelled: voided), refunded by the return. Its reference names
 * the import, so a later refund reaches the provider under a stable id.
 */
function paymentOf(input: PlaceOrderInput, priced: PricedOrder, provider: string, key: string, capturedCents: number, refundedCents: number): PlannedHistoryOrder['payment'] {
  if (input.payment.method === 'invoice') {
    return { id: randomUUID(), provider: 'invoice', method: 'invoice', status: 'pending_invoice', authorizedCents: 0, capturedCents: 0, refundedCents: 0, providerRef: null };
  }
  if (priced.totalCents === 0) return null;
  const status = capturedCents === 0 ? 'voided' : refundedCents === 0 ? 'captured' : refundedCents === capturedCents ? 'refunded' : 'partially_refunded';
  return { id: randomUUID(), provider, method: 'card', status, authorizedCents: priced.totalCents, capturedCents, refundedCents, providerRef: `history:${key}` };
}
