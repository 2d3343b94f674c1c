import { EventType } from '#server/core/events.ts';
import { deliveredEvent, packedEvent, pickingStartedEvent, shippedEvent, type OrderFacts, type ShipmentUnits } from '#server/fulfillment/fulfillment-events.ts';
import type { AllocationPlan } from '#server/inventory/allocation-plan.ts';
import { orderPlacedEvents } from '#server/orders/write-orders.ts';
import type { NewEvent } from '#server/outbox/append-events.ts';
import { returnEvent } from '#server/returns/return-events.ts';
import type { PlannedHistoryOrder, PlannedShipment } from './plan-history-order.ts';

/**
 * An imported order's timeline: the events Tower would have written had it lived the order
 * step by step, each at its own moment and with the payload its command writes, so KPIs,
 * forecasts and the order's timeline cannot tell history from what happened here. Stock events
 * are the exception: imported history moved no stock of Tower's (its levels are counted now).
 * `rmaNumber` is the return's number, drawn before the events are built.
 */
export function historyEvents(order: PlannedHistoryOrder, rmaNumber: string | null): NewEvent[] {
  const { input, placedAt } = order;
  const destination = input.shippingAddress ? { country: input.shippingAddress.country, region: input.shippingAddress.region, postalCode: input.shippingAddress.postalCode } : null;
  const facts: OrderFacts = { channel: input.channel, placedAt: placedAt.toISOString(), destination };
  const plan: AllocationPlan = {
    allocations: order.shipments.flatMap((s) =>
      s.lines.map((l) => ({ lineIndex: input.lines.findIndex((ordered) => ordered.sku === l.sku), sku: l.sku, locationId: s.shipment.locationId, quantity: l.quantity })),
    ),
    shortByLine: new Map(),
  };
  const card = order.payment?.method === 'card' ? order.payment : null;
  const events = orderPlacedEvents({
    orderId: order.orderId,
    input,
    reference: order.reference,
    priced: order.priced,
    placedAt,
    plan,
    authorization: card ? { authorizationId: card.providerRef!, amountCents: card.authorizedCents, currency: input.currency } : undefined,
    provider: card?.provider ?? '',
    status: 'allocated',
  });
  // A cancelled import never reached a location: its order.allocated would name none.
  if (order.cancelledAt) return [...events.filter((e) => e.type !== EventType.orderAllocated), ...cancelEvents(order, order.cancelledAt)];
  for (const s of order.shipments) events.push(...shipmentEvents(order, s, facts));
  if (order.return && rmaNumber) events.push(...returnEvents(order, facts, rmaNumber));
  // Stable by moment: an order's shipments interleave, and each step's own events keep their order.
  return events.map((e, i) => ({ e, i })).sort((a, b) => a.e.occurredAt.getTime() - b.e.occurredAt.getTime() || a.i - b.i).map(({ e }) => e);
}

function cancelEvents(order: PlannedHistoryOrder, cancelledAt: Date): NewEvent[] {
  const base = { aggregateType: 'order' as const, aggregateId: order.orderId, occurredAt: cancelledAt };
  const { input, priced, payment } = order;
  const events: NewEvent[] = [
    { ...base, type: EventType.orderCancelled, payload: { channel: input.channel, from: 'placed', reason: null, released: [], totalCents: priced.totalCents, currency: input.currency } },
  ];
  if (payment?.method === 'card') events.push({ ...base, type: EventType.paymentVoided, payload: { amountCents: payment.authorizedCents, currency: input.currency } });
  return events;
}

function shipmentEvents(order: PlannedHistoryOrder, s: PlannedShipment, facts: OrderFacts): NewEvent[] {
  const units: ShipmentUnits = s.lines
    .map((l) => ({ sku: l.sku, category: order.reference.products.get(l.sku)?.category ?? '', quantity: l.quantity }))
    .sort((a, b) => a.sku.localeCompare(b.sku));
  const packages = s.packages.map((p) => ({ trackingNumber: p.row.trackingNumber, weightGrams: p.row.weightGrams }));
  // A pickup is handed to the store's counter: no destination in its hand-over, as markReadyForPickup writes it.
  const handOverFacts = s.shipment.carrier === null ? { ...facts, destination: null } : facts;
  const events: NewEvent[] = [
    pickingStartedEvent(facts, s.shipment, null, units, s.pickingStartedAt),
    packedEvent(facts, s.shipment, packages, units, { packagingCostCents: s.shipment.packagingCostCents, labelCostCents: s.shipment.labelCostCents }, s.packedAt),
    shippedEvent(handOverFacts, s.shipment, packages, units, s.shippedAt),
  ];
  if (s.capturedCents > 0) {
    events.push({
      type: EventType.paymentCaptured,
      aggregateType: 'order',
      aggregateId: order.orderId,
      occurredAt: s.shippedAt,
      payload: { amountCents: s.capturedCents, currency: order.input.currency, shipmentId: s.shipment.id },
    });
  }
  if (s.deliveredAt) events.push(deliveredEvent(facts, s.shipment, units, s.deliveredAt, s.deliveredAt));
  return events;
}

function returnEvents(order: PlannedHistoryOrder, facts: OrderFacts, rmaNumber: string): NewEvent[] {
  const r = order.return!;
  const { channel, destination } = facts;
  const returnId = r.id;
  const { requestedAt, receivedAt, resolvedAt } = r;
  const deliveredAt = new Map(order.shipments.flatMap((s) => s.lines.map((l) => [l.sku, s.deliveredAt!.toISOString()] as const)));
  const main = r.lines.reduce((best, l) => (l.quantity > best.quantity ? l : best), r.lines[0]!);
  const units = r.lines.reduce((sum, l) => sum + l.quantity, 0);
  const events: NewEvent[] = [
    returnEvent(EventType.returnRequested, order.orderId, requestedAt, {
      channel,
      destination,
      returnId,
      rmaNumber,
      requestedBy: 'customer',
      from: 'delivered',
      to: 'return_requested',
      lines: r.lines.map((l) => ({ sku: l.sku, category: l.category, quantity: l.quantity, reason: l.reason, deliveredAt: deliveredAt.get(l.sku) })),
    }),
    returnEvent(EventType.returnAuthorized, order.orderId, r.authorizedAt, { channel, returnId, rmaNumber }),
  ];
  if (!receivedAt) return events;
  events.push(
    returnEvent(EventType.returnReceived, order.orderId, receivedAt, {
      channel,
      destination,
      returnId,
      locationId: r.input.locationId,
      lines: r.lines.map((l) => ({ sku: l.sku, category: l.category, quantity: l.quantity })),
      reason: main.reason,
    }),
    returnEvent(EventType.returnInspected, order.orderId, receivedAt, {
      channel,
      returnId,
      rmaNumber,
      locationId: r.input.locationId,
      lines: r.lines.map((l) => ({ sku: l.sku, category: l.category, quantity: l.quantity, reason: l.reason, restock: l.restock, refurbish: 0, scrap: l.scrap, returnToVendor: 0 })),
      complete: true,
      orderStatus: { from: 'return_requested', to: 'returned' },
    }),
  );
  if (!resolvedAt) return events;
  if (r.refundedCents > 0 && order.payment) {
    events.push({
      type: EventType.paymentRefunded,
      aggregateType: 'order',
      aggregateId: order.orderId,
      occurredAt: resolvedAt,
      payload: { channel, returnId, paymentId: order.payment.id, amountCents: r.refundedCents, currency: order.input.currency },
    });
  }
  events.push(
    returnEvent(EventType.returnResolved, order.orderId, resolvedAt, {
      channel,
      destination,
      returnId,
      rmaNumber,
      kind: r.input.resolution!,
      units,
      currency: order.input.currency,
      goodsValueCents: r.goodsCents,
      refundedCents: r.refundedCents,
      shippingRefundedCents: 0,
      storeCreditCents: r.storeCreditCents,
      exchangeOrderId: null,
      exchangeTotalCents: null,
      differenceCents: null,
      requestedAt: requestedAt.toISOString(),
      receivedAt: receivedAt.toISOString(),
      resolvedAt: resolvedAt.toISOString(),
      orderStatus: { from: 'returned', to: 'returned' },
    }),
  );
  return events;
}
