import { describe, expect, it } from 'vitest';
import { HistoryOrderItem } from '#server/order-history/order-history.schemas.ts';
import { PlaceOrderInput } from '#server/orders/order.schemas.ts';
import { defaultSourcingPolicy } from '#server/sourcing/default-policy.ts';
import { cheapestQuote } from '#server/sourcing/shipping-cost.ts';
import { createBusiness } from '#server/simulator/business.ts';
import { addDays, dayToMs } from '#server/simulator/calendar.ts';
import { dailyOrders, placeOrderBody, type SimulatedOrder } from '#server/simulator/daily-orders.ts';
import type { Disruption } from '#server/simulator/disruptions.ts';
import { distanceKm } from '#server/simulator/geo.ts';
import { CANCEL_RATE, type OrderFate } from '#server/simulator/order-fate.ts';
import { carrierFor, historyOf, type HistoryPlan, type HistoryWorld } from '#server/simulator/order-history.ts';
import { createScenario } from '#server/simulator/scenario.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const SEED = 42;
const DAY_OF_ORDERS = '2026-10-14';

const business = createBusiness(SEED);
const locationIdByCode = new Map(business.locations.map((l, i) => [l.code, `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`]));
const codeById = new Map([...locationIdByCode].map(([code, id]) => [id, code]));
const world: HistoryWorld = { business, scenario: createScenario(business, '2026-09-01', '2027-01-01', SEED), seed: SEED, locationIdByCode, releaseEveryMinutes: 30 };
const orders = dailyOrders(business, world.scenario, DAY_OF_ORDERS, SEED);
const longAfter = dayToMs(addDays(DAY_OF_ORDERS, 40));

const dropshipped = business.products.filter((p) => p.dropshipVendorCode !== null);
const ordinary = business.products.filter((p) => p.dropshipVendorCode === null);
const noFate: OrderFate = { declined: false, cancelAfterMinutes: null, return: null };

/** A consumer's parcel order of the day, paid by card, with nothing planned for it. */
const parcelOrder = orders.find((o) => o.draft.channel === 'web' && o.draft.delivery.method === 'ship' && o.draft.delivery.service === 'standard' && !o.fate.declined)!;

/** The parcel order with other lines and another fate. */
function orderWith(lines: { sku: string; quantity: number }[], fate: Partial<OrderFate> = {}): SimulatedOrder {
  return { ...parcelOrder, draft: { ...parcelOrder.draft, lines }, fate: { ...noFate, ...fate } };
}

type Imported = Extract<HistoryPlan, { kind: 'import' }>;

function imported(order: SimulatedOrder, cutMs = longAfter, at: HistoryWorld = world): Imported {
  const plan = historyOf(order, at, cutMs);
  if (plan.kind !== 'import') throw new Error(`${order.key} is ${plan.kind}, not imported`);
  return plan;
}

const ms = (moment: string | undefined) => Date.parse(moment!);

/** Every moment of an item, in the order its life has to follow. */
function momentsInOrder(item: HistoryOrderItem): number[][] {
  const placed = ms(item.placedAt);
  const shipments = (item.shipments ?? []).map((s) => [placed, ms(s.pickingStartedAt), ms(s.packedAt), ms(s.shippedAt), ...(s.deliveredAt ? [ms(s.deliveredAt)] : [])]);
  if (!item.return) return shipments;
  const lastDelivered = Math.max(...(item.shipments ?? []).map((s) => ms(s.deliveredAt)));
  return [...shipments, [lastDelivered, ms(item.return.requestedAt), ms(item.return.receivedAt), ms(item.return.resolvedAt)]];
}

const ascending = (values: number[]) => values.every((v, i) => i === 0 || values[i - 1]! <= v);

describe('historyOf: the closed history of one simulated order at a cut', () => {
  it('gives the same plan for the same order, world and cut', () => {
    for (const order of orders.slice(0, 50)) expect(historyOf(order, world, longAfter)).toEqual(historyOf(order, world, longAfter));
  });

  it('imports an order with the body it would have placed, under its key and moment', () => {
    const { item } = imported(parcelOrder);
    expect(item.idempotencyKey).toBe(parcelOrder.key);
    expect(item.placedAt).toBe(parcelOrder.placedAt);
    expect(item.order).toEqual(placeOrderBody(parcelOrder, locationIdByCode));
  });

  it('hands a pickup to its store, ready ten minutes after packing and collected within six days', () => {
    const pickup = orders.find((o) => o.draft.delivery.method === 'pickup' && !o.fate.declined && o.fate.cancelAfterMinutes === null)!;
    const plan = imported(pickup);
    const [shipment, ...others] = plan.item.shipments!;
    expect(others).toEqual([]);
    expect(shipment!.locationId).toBe((plan.item.order as PlaceOrderInput).delivery.pickupLocationId);
    expect(shipment!.carrier).toBeUndefined();
    expect(shipment!.lines).toEqual(pickup.draft.lines);
    expect(ms(shipment!.shippedAt) - ms(shipment!.packedAt)).toBe(10 * MINUTE);
    const waitedMs = ms(shipment!.deliveredAt) - ms(shipment!.shippedAt);
    expect(waitedMs).toBeGreaterThan(0);
    expect(waitedMs).toBeLessThanOrEqual(6 * DAY);
    expect(plan.lastDeliveredAtMs).toBe(ms(shipment!.deliveredAt));
  });

  it('ships own stock from the nearest warehouse or 3PL first and a drop-shipped line from its vendor second', () => {
    const order = orderWith([{ sku: ordinary[0]!.sku, quantity: 2 }, { sku: dropshipped[0]!.sku, quantity: 1 }]);
    const shipments = imported(order).item.shipments!;
    expect(shipments.map((s) => s.lines)).toEqual([[{ sku: ordinary[0]!.sku, quantity: 2 }], [{ sku: dropshipped[0]!.sku, quantity: 1 }]]);
    const address = order.draft.shippingAddress!;
    const network = business.locations.filter((l) => l.kind === 'warehouse' || l.kind === '3pl');
    const nearest = network.toSorted((a, b) => distanceKm(a, { lat: address.lat!, lon: address.lon! }) - distanceKm(b, { lat: address.lat!, lon: address.lon! }))[0]!;
    expect(shipments.map((s) => codeById.get(s.locationId))).toEqual([nearest.code, business.dropshipVendorCode]);
    expect(shipments.every((s) => s.carrier !== undefined)).toBe(true);
  });

  it('sends a drop-shipped order’s return to the nearest warehouse, scrapping what came back broken', () => {
    const [chair] = dropshipped;
    const order = orderWith([{ sku: chair!.sku, quantity: 2 }], { return: { afterDeliveryDays: 5, lines: [{ sku: chair!.sku, quantity: 1, reason: 'damaged' }] } });
    const { item } = imported(order);
    expect(business.locations.find((l) => l.code === codeById.get(item.return!.locationId))!.kind).toBe('warehouse');
    expect(item.return!.lines).toEqual([{ sku: chair!.sku, quantity: 1, reason: 'damaged', disposition: 'scrap' }]);
    expect(item.return!.resolution).toBe('refund');
  });

  it('claims later at a warehouse losing capacity on the day of the release, by what it has lost', () => {
    const before = imported(parcelOrder, longAfter).item.shipments![0]!;
    const day = parcelOrder.placedAt.slice(0, 10);
    const loss: Disruption = { kind: 'capacity_loss', id: 'test-loss', start: day, end: addDays(day, 2), locationCode: codeById.get(before.locationId)!, capacityFactor: 0.5 };
    const slowed = { ...world, scenario: { ...world.scenario, disruptions: [loss] } };
    const after = imported(parcelOrder, longAfter, slowed).item.shipments![0]!;
    // Half the capacity left: released work waits one more median claim time (1.5 h in a warehouse).
    expect(ms(after.pickingStartedAt) - ms(before.pickingStartedAt)).toBeCloseTo(1.5 * 60 * MINUTE, -1);
  });

  describe('at different cuts, one order with a return', () => {
    const order = orderWith([{ sku: ordinary[1]!.sku, quantity: 1 }], { return: { afterDeliveryDays: 7, lines: [{ sku: ordinary[1]!.sku, quantity: 1, reason: 'size_or_fit' }] } });
    const whole = imported(order, dayToMs(addDays(DAY_OF_ORDERS, 90)));
    const shipment = whole.item.shipments![0]!;

    it('is resolved in full long after, to the location that sent it', () => {
      expect(whole.item.return).toMatchObject({ locationId: shipment.locationId, resolution: 'refund', lines: [{ disposition: 'restock' }] });
      expect(whole.inTransit).toEqual([]);
      expect(whole.returnLeft).toBeNull();
      expect(ms(whole.item.return!.requestedAt) - whole.lastDeliveredAtMs!).toBe(7 * DAY);
      expect(ms(whole.item.return!.authorizedAt) - ms(whole.item.return!.requestedAt)).toBe((2 / 24) * DAY);
      expect(ms(whole.item.return!.resolvedAt) - ms(whole.item.return!.requestedAt)).toBe((2 / 24 + 4 + 1) * DAY);
    });

    it('is live with a cut before it leaves', () => {
      expect(historyOf(order, world, ms(shipment.shippedAt))).toEqual({ kind: 'live' });
      expect(historyOf(order, world, ms(order.placedAt) + MINUTE)).toEqual({ kind: 'live' });
    });

    it('is in transit with a cut between its hand-over and its delivery', () => {
      const plan = imported(order, ms(shipment.deliveredAt));
      expect(plan.inTransit).toEqual([0]);
      expect(plan.item.shipments![0]!.deliveredAt).toBeUndefined();
      expect(plan.lastDeliveredAtMs).toBe(ms(shipment.deliveredAt));
      expect(plan.item.return).toBeUndefined();
      expect(plan.returnLeft).toBe('whole');
    });

    it('leaves all of its return to the driver with a cut before it is authorized', () => {
      const plan = imported(order, ms(whole.item.return!.authorizedAt));
      expect(plan.item.shipments![0]!.deliveredAt).toBe(shipment.deliveredAt);
      expect(plan.item.return).toBeUndefined();
      expect(plan.returnLeft).toBe('whole');
    });

    it('carries its return as far as it got with a cut inside it, and leaves the rest to the driver', () => {
      const authorized = imported(order, ms(whole.item.return!.receivedAt));
      const { receivedAt, resolvedAt, resolution, ...asked } = whole.item.return!;
      expect([receivedAt, resolvedAt, resolution]).not.toContain(undefined);
      expect(authorized.item.return).toEqual(asked);
      expect(authorized.returnLeft).toBe('receipt');
      const received = imported(order, ms(whole.item.return!.resolvedAt));
      expect(received.item.return).toEqual({ ...asked, receivedAt });
      expect(received.returnLeft).toBe('resolution');
    });

    it('carries its return with a cut just after it is resolved', () => {
      const plan = imported(order, ms(whole.item.return!.resolvedAt) + 1);
      expect(plan.item.return).toEqual(whole.item.return);
      expect(plan.returnLeft).toBeNull();
    });
  });

  describe('cancels', () => {
    const kept = imported(orderWith([{ sku: ordinary[2]!.sku, quantity: 1 }])).item.shipments![0]!;
    const minutesTo = (moment: string) => (ms(moment) - ms(parcelOrder.placedAt)) / MINUTE;

    it('before the hand-over cancel the order, packed or not: no shipments, no return', () => {
      for (const minutes of [2, Math.ceil(minutesTo(kept.packedAt)), Math.floor(minutesTo(kept.shippedAt))]) {
        const order = orderWith([{ sku: ordinary[2]!.sku, quantity: 1 }], { cancelAfterMinutes: minutes });
        const plan = imported(order);
        expect(plan.item).toEqual({ idempotencyKey: order.key, placedAt: order.placedAt, order: placeOrderBody(order, locationIdByCode), cancelledAt: new Date(ms(order.placedAt) + minutes * MINUTE).toISOString() });
        expect(plan).toMatchObject({ inTransit: [], lastDeliveredAtMs: null, returnLeft: null });
        expect(historyOf(order, world, ms(plan.item.cancelledAt))).toEqual({ kind: 'live' });
      }
    });

    it('after the hand-over come too late: the customer keeps the order', () => {
      const order = orderWith([{ sku: ordinary[2]!.sku, quantity: 1 }], { cancelAfterMinutes: Math.ceil(minutesTo(kept.shippedAt)) });
      const { item } = imported(order);
      expect(item.cancelledAt).toBeUndefined();
      expect(item.shipments).toEqual([kept]);
    });
  });

  it('never makes a declined order anything but declined', () => {
    expect(historyOf(orderWith(parcelOrder.draft.lines, { declined: true }), world, longAfter)).toEqual({ kind: 'declined' });
    expect(historyOf(orderWith(parcelOrder.draft.lines, { declined: true }), world, 0)).toEqual({ kind: 'declined' });
  });

  it('picks the carrier Tower’s default policy quotes cheapest, at every distance and weight', () => {
    for (const service of ['standard', 'express'] as const) {
      for (let km = 0; km < 5_000; km += 13) {
        for (const kg of [1, 5, 30]) expect(carrierFor(business.carriers, service, km).code, `${service} ${km} km ${kg} kg`).toBe(cheapestQuote(defaultSourcingPolicy.rates, service, km, kg)!.carrier);
      }
    }
  });
});

describe('historyOf over a day of orders, cut 40 days later', () => {
  const plans = orders.map((order) => ({ order, plan: historyOf(order, world, longAfter) }));
  const imports = plans.flatMap(({ order, plan }) => (plan.kind === 'import' ? [{ order, plan }] : []));

  it('imports every order but the declined, about 2 % of them', () => {
    expect(orders.length).toBeGreaterThan(300);
    expect(plans.every(({ order, plan }) => plan.kind === (order.fate.declined ? 'declined' : 'import'))).toBe(true);
    const declined = plans.filter(({ plan }) => plan.kind === 'declined').length / plans.length;
    expect(declined).toBeGreaterThan(0.005);
    expect(declined).toBeLessThan(0.04);
  });

  it('cancels near the designed rates: most cancels come before anything leaves', () => {
    const designed = orders.reduce((sum, o) => sum + CANCEL_RATE[o.draft.channel], 0) / orders.length;
    const meant = imports.filter(({ order }) => order.fate.cancelAfterMinutes !== null).length;
    const cancelled = imports.filter(({ plan }) => plan.item.cancelledAt !== undefined).length;
    expect(cancelled).toBeGreaterThanOrEqual(0.7 * meant);
    expect(cancelled / orders.length).toBeGreaterThan(designed / 2);
    expect(cancelled / orders.length).toBeLessThan(designed * 2);
  });

  it('keeps every item’s moments in the order of its life, all before the cut', () => {
    for (const { order, plan } of imports) {
      for (const moments of momentsInOrder(plan.item)) {
        expect(ascending(moments), order.key).toBe(true);
        expect(moments.every((t) => t < longAfter), order.key).toBe(true);
      }
      if (plan.item.cancelledAt) expect(ms(plan.item.cancelledAt)).toBeLessThan(longAfter);
    }
    expect(imports.some(({ plan }) => plan.item.return !== undefined)).toBe(true);
  });

  it('gives items that Tower’s import and order schemas accept, each unit in exactly one shipment', () => {
    for (const { order, plan } of imports) {
      expect(HistoryOrderItem.safeParse(plan.item).error, order.key).toBeUndefined();
      expect(PlaceOrderInput.safeParse(plan.item.order).error, order.key).toBeUndefined();
      if (plan.item.cancelledAt) continue;
      const shipped = (plan.item.shipments ?? []).flatMap((s) => s.lines).toSorted((a, b) => a.sku.localeCompare(b.sku));
      expect(shipped, order.key).toEqual(order.draft.lines.toSorted((a, b) => a.sku.localeCompare(b.sku)));
    }
  });

  describe('the scenario\'s stock-outs', () => {
    const sku = ordinary.find((p) => !p.backorderable)!.sku;
    const waiting = ordinary.find((p) => p.backorderable)!.sku;
    const day = DAY_OF_ORDERS;
    const withStockOut = (d: Omit<Extract<Disruption, { kind: 'stock_out' }>, 'kind' | 'id' | 'start' | 'end'>): HistoryWorld => ({
      ...world,
      scenario: { ...world.scenario, disruptions: [{ kind: 'stock_out', id: 'test-out', start: day, end: addDays(day, 5), ...d }] },
    });

    it('refuses an order whose line is out everywhere and may not wait, as Tower answers 409', () => {
      expect(historyOf(orderWith([{ sku, quantity: 1 }]), withStockOut({ sku, locationCode: null }), longAfter)).toEqual({ kind: 'out_of_stock' });
    });

    it('sends it from the next nearest location when only the nearest is out', () => {
      const nearest = codeById.get(imported(orderWith([{ sku, quantity: 1 }])).item.shipments![0]!.locationId)!;
      const rerouted = imported(orderWith([{ sku, quantity: 1 }]), longAfter, withStockOut({ sku, locationCode: nearest }));
      expect(codeById.get(rerouted.item.shipments![0]!.locationId)).not.toBe(nearest);
    });

    it('backorders a product that may wait on a channel that takes backorders: picked after the stock-out ends', () => {
      const phone = { ...orderWith([{ sku: waiting, quantity: 1 }]), draft: { ...orderWith([{ sku: waiting, quantity: 1 }]).draft, channel: 'phone' as const } };
      const plan = imported(phone, longAfter, withStockOut({ sku: waiting, locationCode: null }));
      expect(ms(plan.item.shipments![0]!.pickingStartedAt)).toBeGreaterThanOrEqual(dayToMs(addDays(day, 5)) + 6 * 60 * MINUTE);
      expect(historyOf({ ...phone, draft: { ...phone.draft, channel: 'web' } }, withStockOut({ sku: waiting, locationCode: null }), longAfter)).toEqual({ kind: 'out_of_stock' });
    });
  });
});
