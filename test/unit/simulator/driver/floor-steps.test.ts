import { describe, expect, it } from 'vitest';
import { createBusiness } from '#server/simulator/business.ts';
import { planShipment, willHandBack, type TowerShipment } from '#server/simulator/driver/floor-steps.ts';
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
  const sim = { key: `SIM-5-2026-11-20-store-${i}` } as SimulatedOrder;
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

describe('willHandBack', () => {
  it('answers what the shipment’s floor plan does: its claim feeds the releases after it exactly when it will come up short', () => {
    const { world, queued } = worldWith(true);
    const answers: boolean[] = [];
    for (let i = 0; i < 2_000; i++) {
      const { state, shipment } = shipmentOf(i);
      answers.push(willHandBack(world, state, shipment, releasedAtMs));
      planShipment(world, state, shipment, releasedAtMs);
    }
    expect(queued).toHaveLength(2_000);
    expect(queued.map((q) => q.flow?.feeds === true)).toEqual(answers);
    // A store comes up short on about 2 % of units: some shipments, not most.
    const short = answers.filter(Boolean).length;
    expect(short).toBeGreaterThan(20);
    expect(short).toBeLessThan(200);
  });

  it('does not depend on the location’s capacity, which moves the plan later but not what is found', () => {
    const { world } = worldWith(true);
    const before = Array.from({ length: 500 }, (_, i) => shipmentOf(i)).map(({ state, shipment }) => willHandBack(world, state, shipment, releasedAtMs));
    world.capacityFactor.set(store.code, 0.3);
    const after = Array.from({ length: 500 }, (_, i) => shipmentOf(i)).map(({ state, shipment }) => willHandBack(world, state, shipment, releasedAtMs));
    expect(after).toEqual(before);
  });

  it('is false when no one works the floor', () => {
    const { world } = worldWith(false);
    expect(Array.from({ length: 500 }, (_, i) => shipmentOf(i)).some(({ state, shipment }) => willHandBack(world, state, shipment, releasedAtMs))).toBe(false);
  });
});
