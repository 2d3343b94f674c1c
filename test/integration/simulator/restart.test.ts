import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation } from '#server/simulator/driver/simulation.ts';
import { CARRIER_SECRET, createFloorUser, endOfYesterday, startSimulatorTower, type SimulatorTower } from './simulator-fixture.ts';

const DAY = 86_400_000;

/**
 * A run stopped with purchase orders on their way, and a later run catching up on the same Tower
 * (as `npm start` does after a stop): what is on order is read back from Tower, so the goods of
 * the first run are received when due and not ordered again.
 */
describe('open purchase orders across a restart', () => {
  let tower: SimulatorTower;
  const end = endOfYesterday();
  const stop = new Date(end.getTime() - 4 * DAY);
  let openAtStop: { id: string; sku: string; location_id: string; expected_at: Date }[] = [];

  let floorUser: Awaited<ReturnType<typeof createFloorUser>>;
  const run = async (now: Date, days: number) =>
    runSimulation({
      baseUrl: tower.url,
      token: await tower.token(['manager', 'simulator']),
      carrierSecret: CARRIER_SECRET,
      seed: 17,
      days,
      ordersPerDay: 30,
      live: false,
      scenario: 'quiet',
      floorUser,
      now: () => now,
    });

  beforeAll(async () => {
    tower = await startSimulatorTower();
    floorUser = await createFloorUser(tower);
    const first = await run(stop, 10);
    expect(first.errorSamples).toEqual([]);
    ({ rows: openAtStop } = await tower.pool.query(
      `select po.id, l.sku, po.location_id, po.expected_at from purchase_orders po join purchase_order_lines l on l.purchase_order_id = po.id
       where po.status = 'submitted'`,
    ));
    // The second run starts where the first stopped, four days later.
    const second = await run(end, 4);
    expect(second.errorSamples).toEqual([]);
  }, 300_000);
  afterAll(() => tower?.close());

  it('the first run leaves purchase orders on their way', () => {
    expect(openAtStop.length).toBeGreaterThan(20);
    expect(openAtStop.some((l) => l.expected_at.getTime() > stop.getTime() + DAY)).toBe(true);
  });

  it('receives them when they are due, on the morning they are expected', async () => {
    const ids = [...new Set(openAtStop.map((l) => l.id))];
    const { rows } = await tower.pool.query<{ id: string; status: string; expected_at: Date; received_at: Date | null }>(
      'select id, status, expected_at, received_at from purchase_orders where id = any($1::uuid[])',
      [ids],
    );
    const due = rows.filter((r) => r.expected_at.getTime() <= end.getTime());
    expect(due.length).toBeGreaterThan(0);
    for (const r of due) {
      expect(r.status, r.id).toBe('received');
      expect(r.received_at!.getTime()).toBe(r.expected_at.getTime());
    }
  });

  it('does not order again what is already on order', async () => {
    // On the restart's first mornings, a level with goods on their way is reordered only if it is short even so.
    const { rows } = await tower.pool.query<{ sku: string; location_id: string }>(
      `select distinct l.sku, po.location_id from purchase_orders po join purchase_order_lines l on l.purchase_order_id = po.id
       where po.ordered_at > $1 and po.ordered_at < $2`,
      [stop, new Date(stop.getTime() + 2 * DAY)],
    );
    const reordered = new Set(rows.map((r) => `${r.sku}@${r.location_id}`));
    const pending = new Set(openAtStop.filter((l) => l.expected_at.getTime() > stop.getTime() + 2 * DAY).map((l) => `${l.sku}@${l.location_id}`));
    const twice = [...pending].filter((k) => reordered.has(k));
    expect(pending.size).toBeGreaterThan(10);
    expect(twice.length / pending.size).toBeLessThan(0.1);
  });
});
