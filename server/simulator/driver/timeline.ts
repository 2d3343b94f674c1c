import type { Business } from '../business.ts';
import { addDays, dayToMs, type Day } from '../calendar.ts';
import { dailyOrders, type SimulatedOrder } from '../daily-orders.ts';
import type { DemandModel } from '../demand-model.ts';
import type { Scenario } from '../scenario.ts';
import { endDisruption, releaseToFloor, startDisruption } from './operations.ts';
import { receiveRestock } from './restock.ts';
import { scheduleOrder } from './order-life.ts';
import { RECEIPTS_AT_MS, type World } from './world.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * Which orders a day holds. Backfill and live traffic come from two demand models (history at a
 * daily rate, live at the rate asked for), so the day live starts takes the backfill's orders
 * before that moment and the live model's after it; live keys are renamed so they never reuse a
 * backfill order's Idempotency-Key.
 */
export interface DemandPlan {
  business: Business;
  scenario: Scenario;
  seed: number;
  backfill: DemandModel;
  /** Where history ends: the run's start. */
  liveFromMs: number;
  live: { model: DemandModel; keyPrefix: string } | null;
}

function renamed(order: SimulatedOrder, prefix: string): SimulatedOrder {
  const key = order.key.replace(/^SIM-/, prefix);
  return { ...order, key, draft: { ...order.draft, externalRef: key } };
}

export function ordersOfDay(plan: DemandPlan, day: Day): SimulatedOrder[] {
  const history = dayToMs(day) < plan.liveFromMs ? dailyOrders(plan.business, plan.scenario, day, plan.seed, plan.backfill).filter((o) => Date.parse(o.placedAt) < plan.liveFromMs) : [];
  if (!plan.live || dayToMs(day) + DAY <= plan.liveFromMs) return history;
  const { model, keyPrefix } = plan.live;
  const live = dailyOrders(plan.business, plan.scenario, day, plan.seed, model)
    .filter((o) => Date.parse(o.placedAt) >= plan.liveFromMs)
    .map((o) => renamed(o, keyPrefix));
  return [...history, ...live];
}

export interface TimelineOptions {
  /** How often (simulated minutes) orders are released to the floor. */
  releaseEveryMinutes: number;
  /** The last day to plan, or null to go on day after day (live). */
  lastDay: Day | null;
  /**
   * Where the first day starts, if not at its midnight (the full path after imported history):
   * its orders, releases and restock before this moment are not planned.
   */
  fromMs?: number;
}

/**
 * Queues one day as sync points and order lanes: at midnight the disruptions that start or end and
 * the day's orders, releases through the day, the morning's receipts, and the next day's midnight.
 * Midnight is a sync point, not a barrier: it runs after every earlier action that concerns it
 * (orders placed, stock handed back, returns received) and before the day's orders, which it
 * schedules, while the day before's parcels, scans and floor steps that change no stock go on, so
 * one day's tail overlaps the next day's start instead of the whole run waiting for it.
 */
export function scheduleDay(world: World, plan: DemandPlan, day: Day, options: TimelineOptions): void {
  const startMs = dayToMs(day);
  const fromMs = Math.max(startMs, options.fromMs ?? startMs);
  world.scheduler.sync(fromMs, async () => {
    for (const d of world.scenario.disruptions) {
      if (d.end === day) await endDisruption(world, d, startMs);
      if (d.start === day) await startDisruption(world, d, startMs);
    }
    for (const order of ordersOfDay(plan, day)) if (Date.parse(order.placedAt) >= fromMs) scheduleOrder(world, order);
    for (let t = startMs + options.releaseEveryMinutes * MINUTE; t <= startMs + DAY; t += options.releaseEveryMinutes * MINUTE) {
      if (t > fromMs) world.scheduler.sync(t, () => releaseToFloor(world, t));
    }
    // A sync point: the floor's work goes on meanwhile; orders placed after it wait for it (scheduleOrder).
    if (startMs + RECEIPTS_AT_MS >= fromMs) {
      world.scheduler.sync(startMs + RECEIPTS_AT_MS, async () => {
        await receiveRestock(world, day, startMs + RECEIPTS_AT_MS);
        world.restockedAtMs = startMs + RECEIPTS_AT_MS;
      });
    }
    if (options.lastDay === null || day < options.lastDay) scheduleDay(world, plan, addDays(day, 1), { ...options, fromMs: undefined });
  });
}
