import { describe, expect, it } from 'vitest';
import { createBusiness } from '#server/simulator/business.ts';
import { handBackAt, planShipment, type TowerShipment } from '#server/simulator/driver/floor-steps.ts';
import type { Flow } from '#server/simulator/driver/event-queue.ts';
import type { TowerClient } from '#server/simulator/driver/tower-client.ts';
import type { OrderState, World } from '#server/simulator/driver/world.ts';
import type { SimulatedOrder } from '#server/simulator/daily-orders.ts';

const business = createBusiness(5);
const store = business.locations.find((l) => l.kind === 'store')!;
const releasedAtMs = Date.parse('2026-11-20T10:30:00Z');

/** A world with a floor and one store, whose scheduler only records what planShipment queues. */
function worldWith(floor: boolean) {
  const queued: { atMs: number; lane: string | null; flow: Flow | undefined }[] = [];
  const world = {
    seed: 5,
    floor: floor ? ({} as TowerClient) : null,
    locationById: new Map([['loc-store', store]]),
    capacityFactor: new Map<string, number>(),
    scheduler: { at: (atMs: number, lane: string | null, _run: unknown, flow?: Flow) => queued.push({ atMs, lane, flow }) },
  } as unknown as World;
  return { world, queued };
}

function shipmentOf(i: number): { state: OrderState; shipment: TowerShipment } {
  const units = 1 + (i % 3);
  // Every tenth customer will cancel.
  const sim = { key: `SIM-5-2026-11-20-store-${i}`, fate: { cancelAfterMinutes: i % 10 === 0 ? 40 : null } } as SimulatedOrder;
  const state = { id: `order-${i}`, sim } as OrderState;
  const shipment = {
    id: `shipment-${i}`,
    orderId: state.id,
    number: 1,
    locationId: 'loc-store',
    status: 'pending',
    carrier: null,
    service: 'standard',
    lines: [{ id: `line-${i}`, sku: 'APP-0001', quantity: units, pickedQuantity: 0 }],
    packages: [],
  } satisfies TowerShipment;
  return { state, shipment };
}

describe('handBackAt', () => {
  it('answers what the shipment’s floor plan does: its claim feeds the releases from its packing on exactly when it will come up short', () => {
    const { world, queued } = worldWith(true);
    const answers: (number | null)[] = [];
    for (let i = 0; i < 2_000; i++) {
      const { state, shipment } = shipmentOf(i);
      answers.push(handBackAt(world, state, shipment, releasedAtMs));
      planShipment(world, state, shipment, releasedAtMs);
    }
    expect(queued).toHaveLength(2_000);
    // Each shipment in a lane of its own, unless its order will be cancelled: then in the order's, where the cancel is.
    queued.forEach((q, i) => expect(q.lane).toBe(i % 10 === 0 ? `SIM-5-2026-11-20-store-${i}` : `SIM-5-2026-11-20-store-${i}#1`));
    expect(queued.map((q) => (q.flow?.feeds === false ? null : q.flow?.feedsFrom))).toEqual(answers);
    // The claim comes first; the units go back when the shipment is packed, later.
    queued.forEach((q, i) => {
      if (answers[i] !== null) expect(answers[i]).toBeGreaterThan(q.atMs);
    });
    // A store comes up short on about 2 % of units: some shipments, not most.
    const short = answers.filter((a) => a !== null).length;
    expect(short).toBeGreaterThan(20);
    expect(short).toBeLessThan(200);
  });

  it('does not depend on the location’s capacity whether a shipment comes up short, only when', () => {
    const { world } = worldWith(true);
    const before = Array.from({ length: 500 }, (_, i) => shipmentOf(i)).map(({ state, shipment }) => handBackAt(world, state, shipment, releasedAtMs));
    world.capacityFactor.set(store.code, 0.3);
    const after = Array.from({ length: 500 }, (_, i) => shipmentOf(i)).map(({ state, shipment }) => handBackAt(world, state, shipment, releasedAtMs));
    expect(after.map((a) => a !== null)).toEqual(before.map((b) => b !== null));
    after.forEach((a, i) => {
      if (a !== null) expect(a).toBeGreaterThan(before[i]!);
    });
  });

  it('is null when no one works the floor', () => {
    const { world } = worldWith(false);
    expect(Array.from({ length: 500 }, (_, i) => shipmentOf(i)).some(({ state, shipment }) => handBackAt(world, state, shipment, releasedAtMs) !== null)).toBe(false);
  });
});
