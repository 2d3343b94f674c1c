import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planDemand, runSimulation, type Progress, type SimulationOptions, type SimulationSummary } from '#server/simulator/driver/simulation.ts';
import { ordersOfDay } from '#server/simulator/driver/timeline.ts';
import { CARRIER_SECRET, startSimulatorTower, type SimulatorTower } from './simulator-fixture.ts';

const LIVE_FOR_MS = 6_000;

describe('live traffic', () => {
  let tower: SimulatorTower;
  let summary: SimulationSummary;
  const phases = new Set<Progress['phase']>();
  let startedAt = 0;
  let stoppedAt = 0;
  let liveFromMs = 0;
  const demand: Pick<SimulationOptions, 'seed' | 'days' | 'ordersPerDay' | 'live'> = { seed: 9, days: 0, ordersPerDay: 20, live: { ordersPerMinute: 60 } };

  beforeAll(async () => {
    tower = await startSimulatorTower();
    const controller = new AbortController();
    startedAt = Date.now();
    summary = await runSimulation({
      baseUrl: tower.url,
      token: await tower.token(['manager', 'simulator']),
      carrierSecret: CARRIER_SECRET,
      ...demand,
      signal: controller.signal,
      // The first reading of the clock is the moment history ends and live traffic begins.
      now: () => {
        const now = new Date();
        liveFromMs ||= now.getTime();
        return now;
      },
      onProgress: (p) => {
        phases.add(p.phase);
        if (p.phase === 'live' && stoppedAt === 0) {
          stoppedAt = Date.now() + LIVE_FOR_MS;
          setTimeout(() => controller.abort(), LIVE_FOR_MS);
        }
      },
    });
  }, 60_000);
  afterAll(() => tower?.close());

  it('goes live after the backfill and stops when the signal aborts', () => {
    expect([...phases]).toEqual(expect.arrayContaining(['backfill', 'live', 'done']));
    expect(summary.elapsedMs).toBeGreaterThan(LIVE_FOR_MS);
  });

  it('places the live model’s orders in real time, under keys of their own', async () => {
    const { rows } = await tower.pool.query<{ external_ref: string; placed_at: Date }>(`select external_ref, placed_at from orders where external_ref like 'SIM-L60-%'`);
    for (const r of rows) {
      expect(r.placed_at.getTime()).toBeGreaterThanOrEqual(startedAt - 1_000);
      expect(r.placed_at.getTime()).toBeLessThanOrEqual(stoppedAt + 1_000);
    }
    // Every live order due well before the stop is there, unless its card was declined (or stock ran out).
    const plan = planDemand(demand, liveFromMs);
    const due = ordersOfDay(plan, plan.today).filter((o) => o.key.startsWith('SIM-L60-') && Date.parse(o.placedAt) < stoppedAt - 1_500 && !o.fate.declined);
    const placed = new Set(rows.map((r) => r.external_ref));
    const missing = due.filter((o) => !placed.has(o.key));
    expect(missing.length).toBeLessThanOrEqual(summary.ordersOutOfStock);
  });
});
