import { setMaxListeners } from 'node:events';
import { createBusiness } from '../business.ts';
import { addDays, dayToMs, msToDay, type Day } from '../calendar.ts';
import { defaultDemandModel, type DemandModel } from '../demand-model.ts';
import type { Disruption } from '../disruptions.ts';
import { createScenario, quietScenario, type Scenario } from '../scenario.ts';
import { demandOver, expectedDemand, type UnitDemand } from '../expected-demand.ts';
import { initialStock } from '../stock-plan.ts';
import { createSuppliers } from '../suppliers.ts';
import { createBulkRequests } from './bulk-requests.ts';
import { importHistory } from './import-history.ts';
import { endDisruption, startDisruption } from './operations.ts';
import { scheduleOrder } from './order-life.ts';
import { EventQueue } from './event-queue.ts';
import { openFloorSession, type FloorUser } from './floor-session.ts';
import type { Progress } from './progress.ts';
import { Scheduler } from './scheduler.ts';
import { seedBusiness } from './seed-business.ts';
import { seedOpeningStock } from './seed-opening-stock.ts';
import { seedSuppliers } from './seed-suppliers.ts';
import { scheduleDay, type DemandPlan } from './timeline.ts';
import { TowerClient, TowerError, type SentRequest } from './tower-client.ts';
import { emptyStats, RECEIPTS_AT_MS, recordError, type DriverStats, type World } from './world.ts';
import { sleep } from './sleep.ts';

export type { Progress } from './progress.ts';

export interface SimulationOptions {
  baseUrl: string;
  token: string;
  carrierSecret: string;
  seed: number;
  /** Days of history before today (today up to the start is history too). */
  days: number;
  /** Orders a day of the backfill's demand model, averaged over week and year (default 400). */
  ordersPerDay?: number;
  /** Then go on in real time at this rate until `signal` aborts. */
  live?: { ordersPerMinute: number } | false;
  /** Requests in flight at once (default 16). */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  now?: () => Date;
  /**
   * Send `x-tower-as-of` so history carries its own timestamps (the token needs the `simulator`
   * role). Default true; without it every step is stamped with the moment it is sent.
   */
  historical?: boolean;
  /** The person whose session does the floor work; by default an admin token makes one. */
  floorUser?: FloorUser;
  /** `quiet`: no promotions, spikes or disruptions (to measure the base model). */
  scenario?: 'default' | 'quiet';
  /** These disruptions instead of the scenario's own (with `quiet`: these and nothing else). */
  disruptions?: readonly Disruption[];
  /**
   * During the backfill, `run(atMs)` every `everyMs` of simulated time once every action before
   * `atMs` is done (e.g. to evaluate alert rules as of that moment); the run waits for it.
   */
  step?: { everyMs: number; run: (atMs: number) => Promise<void> };
  /** Simulated minutes between releases to the floor (default 30). */
  releaseEveryMinutes?: number;
  /**
   * The last hours of history that go the full path, each step of each order its own request as
   * it happened; the history before them is imported whole (POST /api/orders/history), each order
   * as it stood then. Default 24; all of it goes the full path when `historical` is off or `step`
   * is given (a step judges Tower's state at past moments, which imported orders reach only in
   * their final state).
   */
  fullPathHours?: number;
  /** Every request sent, as Tower answered it (tests record the run). */
  onRequest?: (request: SentRequest) => void;
  /**
   * Awaited once the history is in, before the run goes live (phase `live`): e.g. the relay to
   * ClickHouse catching up with it. A failure stops the run.
   */
  beforeLive?: () => Promise<void>;
}

export interface SimulationSummary {
  from: Day;
  /** The simulated moment the run reached. */
  reached: string;
  ordersPlaced: number;
  ordersExisting: number;
  ordersDeclined: number;
  ordersOutOfStock: number;
  ordersRejected: number;
  ordersCancelled: number;
  shipmentsShipped: number;
  deliveries: number;
  returns: number;
  refunds: number;
  requestsSent: number;
  errors: number;
  errorSamples: string[];
  /** Why the floor work was skipped, if it was. */
  floorSkipped: string | null;
  /** Of elapsedMs, the seeding (catalog, network, promotions, opening stock). */
  seedingMs: number;
  elapsedMs: number;
  ordersPerSecond: number;
  requestsPerSecond: number;
  stats: DriverStats;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DEFAULT_ORDERS_PER_DAY = 400;
const DEFAULT_FULL_PATH_HOURS = 24;
/** Days of demand the opening stock and restock are sized from. */
const SIZING_DAYS = 14;
const PROGRESS_EVERY_MS = 250;
/** Orders a window of the backfill holds (at most a day): more run ahead of each other in fewer rounds. */
const ORDERS_PER_WINDOW = 100;
/**
 * The longest window: every window ends with a drain (its last floor steps and scans before the
 * next starts), so a small business's history runs in windows of days, not one a day.
 */
const MAX_WINDOW_DAYS = 4;


/** The morning receipts' moment at or before `ms`. */
const lastMorningBy = (ms: number): number => {
  const morning = dayToMs(msToDay(ms)) + RECEIPTS_AT_MS;
  return morning <= ms ? morning : morning - DAY;
};

/**
 * The scenario's disruptions that began before the cut's day, brought to where they stand when the
 * full path takes over (those of the cut's day are its first sync point's): a capacity loss is
 * applied at its start (and lifted at its end if that came too), a stock-out still on is counted
 * down at the cut's midnight. One that ended before changed only what the import already says
 * (later floor work, slower parcels, orders sent from elsewhere or refused).
 */
async function catchUpDisruptions(world: World, cutDay: Day): Promise<void> {
  for (const d of world.scenario.disruptions) {
    if (d.start >= cutDay) continue;
    if (d.kind === 'capacity_loss') {
      await startDisruption(world, d, dayToMs(d.start));
      if (d.end < cutDay) await endDisruption(world, d, dayToMs(d.end));
    } else if (d.kind === 'stock_out' && d.end > cutDay) await startDisruption(world, d, dayToMs(cutDay));
  }
}

/**
 * Expected demand by day, from the model that generates that day's orders: the backfill's, or on
 * live days the live rate's (days ahead are asked for by the restock's lead times).
 */
function demandByDay(plan: DemandPlan, today: Day): (day: Day) => ReadonlyMap<string, UnitDemand> {
  const cache = new Map<Day, Map<string, UnitDemand>>();
  return (day) => {
    let demand = cache.get(day);
    if (!demand) {
      const model = plan.live && day >= today ? plan.live.model : plan.backfill;
      cache.set(day, (demand = expectedDemand(plan.business, plan.scenario, model, day)));
    }
    return demand;
  };
}

/** Average daily demand over `SIZING_DAYS` from `from`: what the opening stock is sized for. */
function sizingDemand(demandOn: (day: Day) => ReadonlyMap<string, UnitDemand>, from: Day): Map<string, UnitDemand> {
  const total = demandOver(demandOn, from, SIZING_DAYS);
  return new Map([...total].map(([sku, d]) => [sku, { mean: d.mean / SIZING_DAYS, variance: d.variance / SIZING_DAYS }]));
}

/**
 * What a run of these options will send, from its start `nowMs`: the business, the scenario (a
 * year ahead, so live days have one too) and the demand of history and of live traffic. Live
 * traffic is the same model anchored today with ordersPerDay = rate × 1440, so its week, month
 * and hours keep their shape around the rate asked for.
 */
export function planDemand(options: Pick<SimulationOptions, 'seed' | 'days' | 'ordersPerDay' | 'live' | 'scenario' | 'disruptions'>, nowMs: number): DemandPlan & { from: Day; today: Day } {
  const today = msToDay(nowMs);
  const from = addDays(today, -options.days);
  const business = createBusiness(options.seed);
  const planned: Scenario = options.scenario === 'quiet' ? quietScenario(from, addDays(today, 366)) : createScenario(business, from, addDays(today, 366), options.seed);
  const scenario: Scenario = options.disruptions ? { ...planned, disruptions: options.disruptions } : planned;
  const backfill: DemandModel = { ...defaultDemandModel, anchorDay: today, ordersPerDay: options.ordersPerDay ?? DEFAULT_ORDERS_PER_DAY };
  const live = options.live ? { model: { ...defaultDemandModel, anchorDay: today, ordersPerDay: options.live.ordersPerMinute * 1440 }, keyPrefix: `SIM-L${options.live.ordersPerMinute}-` } : null;
  return { business, scenario, seed: options.seed, backfill, liveFromMs: nowMs, live, from, today };
}

/**
 * Seeds the business (once), backfills `days` days of history ending now as fast as Tower
 * answers, then (if `live`) goes on in real time until `signal` aborts. Everything goes through
 * Tower's public HTTP API.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationSummary> {
  const clock = options.now ?? (() => new Date());
  const startedAt = Date.now();
  const liveFromMs = clock().getTime();
  const plan = planDemand(options, liveFromMs);
  const { business, scenario, live, from, today } = plan;
  const demandOn = demandByDay(plan, today);
  const concurrency = options.concurrency ?? 16;
  const imports = (options.historical ?? true) && !options.step;
  // Where the full path starts (on the hour): history before it is imported whole.
  const cutMs = imports ? Math.max(dayToMs(from), Math.floor((liveFromMs - (options.fullPathHours ?? DEFAULT_FULL_PATH_HOURS) * HOUR) / HOUR) * HOUR) : dayToMs(from);
  const cutDay = msToDay(cutMs);
  // Stops the run when the caller aborts, or when Tower no longer answers at all.
  const stopper = new AbortController();
  setMaxListeners(0, stopper.signal);
  const signal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
  setMaxListeners(0, signal);
  let fatal: TowerError | null = null;
  const client = new TowerClient({ baseUrl: options.baseUrl, auth: { token: options.token }, concurrency, historical: options.historical ?? true, onRequest: options.onRequest, signal });
  const stats = emptyStats();
  let phase: Progress['phase'] = 'seeding';
  const world: World = {
    client,
    bulk: null,
    floor: null,
    scheduler: null as unknown as Scheduler,
    business,
    scenario,
    seed: options.seed,
    carrierSecret: options.carrierSecret,
    locationIdByCode: new Map(),
    locationById: new Map(),
    demandOn,
    orders: new Map(),
    awaitingRelease: new Set(),
    heldReceipts: new Set(),
    // The last morning before the full path (its opening stock stands for it): its first orders wait for no restock.
    restockedAtMs: lastMorningBy(cutMs),
    purchasing: { supplierIdByCode: new Map(), supplierOfSku: new Map() },
    capacityFactor: new Map(),
    stats,
    errorSamples: [],
  };
  const onError = (error: unknown) => {
    if (signal.aborted) return;
    recordError(world, error);
    // Retried for seconds without a single answer: Tower is down, going on would only count errors.
    if (error instanceof TowerError && error.type === 'network') {
      fatal = error;
      stopper.abort();
    }
  };
  // Windows sized by the work they hold: about ORDERS_PER_WINDOW orders' worth of simulated time, a few days of a small business (sync points keep what depends on order).
  const windowMs = Math.min(MAX_WINDOW_DAYS * DAY, Math.max(30 * 60_000, (ORDERS_PER_WINDOW / plan.backfill.ordersPerDay) * DAY));
  const scheduler = new Scheduler(new EventQueue(), { windowMs, onError, signal });
  world.scheduler = scheduler;
  const backfillFromMs = dayToMs(from);
  // Imported history Tower has taken reaches this far before the scheduler takes over (the progress line follows it).
  let importedToMs = backfillFromMs;
  const reachedMs = () => Math.max(scheduler.nowMs, importedToMs);
  const progress = (): Progress => ({
    phase,
    simulatedAt: new Date(reachedMs()).toISOString(),
    fraction: phase === 'seeding' ? 0 : phase === 'backfill' ? Math.min(1, Math.max(0, (reachedMs() - backfillFromMs) / Math.max(1, liveFromMs - backfillFromMs))) : 1,
    stats: { ...stats },
    requestsSent: client.requestsSent,
    elapsedMs: Date.now() - startedAt,
  });
  const ticker = options.onProgress ? setInterval(() => options.onProgress!(progress()), PROGRESS_EVERY_MS) : null;
  const seeding: { floorSkipped: string | null; ms: number } = { floorSkipped: null, ms: 0 };

  try {
    const { suppliers, terms } = createSuppliers(business);
    const supplierByCode = new Map(suppliers.map((s) => [s.code, s]));
    world.purchasing.supplierOfSku = new Map(terms.map((t) => [t.sku, supplierByCode.get(t.supplierCode)!]));
    // The business and its suppliers exist a day before its history; the opening stock, bought a day
    // before the full path (imported history moved no stock), arrives an hour before it.
    const seeded = await seedBusiness(client, business, scenario, backfillFromMs - DAY);
    world.locationIdByCode = seeded.locationIdByCode;
    world.locationById = new Map(business.locations.map((l) => [seeded.locationIdByCode.get(l.code)!, l]));
    world.purchasing.supplierIdByCode = await seedSuppliers(client, suppliers, terms, backfillFromMs - DAY);
    // Sized for the history's rate (a live-only run at thousands a minute restocks for it from its first morning).
    const opening = initialStock(business, sizingDemand((day) => expectedDemand(business, scenario, plan.backfill, day), cutDay), undefined, (sku) => world.purchasing.supplierOfSku.get(sku)?.leadTimeDays ?? 0);
    await seedOpeningStock({ client, seed: options.seed, locationIdByCode: world.locationIdByCode, ...world.purchasing }, opening, cutMs - DAY, cutMs - HOUR);
    const session = await openFloorSession(client, options.floorUser);
    world.floor = session.floor;
    seeding.floorSkipped = session.why;
    seeding.ms = Date.now() - startedAt;

    phase = 'backfill';
    const releaseEveryMinutes = options.releaseEveryMinutes ?? 30;
    // History goes in bulk; live traffic comes one customer and one scan at a time.
    world.bulk = createBulkRequests(client, () => world.locationIdByCode, options.carrierSecret);
    const late = await importHistory(world, plan, { from, cutMs, releaseEveryMinutes, onImported: (ms) => (importedToMs = Math.max(importedToMs, ms)) });
    await catchUpDisruptions(world, cutDay);
    // Placed before the cut but still on the floor then: placed at their own moment, worked from the cut on.
    for (const order of late) scheduleOrder(world, order);
    scheduleDay(world, plan, cutDay, { releaseEveryMinutes, lastDay: live ? null : today, fromMs: cutMs });
    if (options.step) {
      const { everyMs, run } = options.step;
      for (let atMs = backfillFromMs + everyMs; !signal.aborted; atMs += everyMs) {
        await scheduler.runUntil(Math.min(atMs, liveFromMs));
        if (atMs >= liveFromMs || signal.aborted) break;
        await run(atMs);
      }
    } else await scheduler.runUntil(liveFromMs);

    if (live) {
      if (!signal.aborted) await options.beforeLive?.();
      phase = 'live';
      world.bulk = null;
      while (!signal.aborted) {
        const now = clock().getTime();
        await scheduler.runUntil(now + 1);
        const next = scheduler.queue.nextTime() ?? Infinity;
        await sleep(Math.max(10, Math.min(1_000, next - clock().getTime())), signal);
      }
    }
  } finally {
    if (ticker) clearInterval(ticker);
    phase = 'done';
    options.onProgress?.(progress());
    client.close();
  }
  if (fatal) throw new Error(`Tower stopped answering, so the simulation stopped: ${(fatal as TowerError).message}`);
  const elapsedMs = Date.now() - startedAt;
  const seconds = Math.max(0.001, elapsedMs / 1000);
  return {
    from,
    reached: new Date(reachedMs()).toISOString(),
    ordersPlaced: stats.ordersPlaced,
    ordersExisting: stats.ordersExisting,
    ordersDeclined: stats.ordersDeclined,
    ordersOutOfStock: stats.ordersOutOfStock,
    ordersRejected: stats.ordersRejected,
    ordersCancelled: stats.ordersCancelled,
    shipmentsShipped: stats.shipmentsShipped,
    deliveries: stats.deliveries,
    returns: stats.returnsRequested,
    refunds: stats.returnsRefunded,
    requestsSent: client.requestsSent,
    errors: stats.errors,
    errorSamples: world.errorSamples,
    floorSkipped: seeding.floorSkipped,
    seedingMs: seeding.ms,
    elapsedMs,
    ordersPerSecond: stats.ordersPlaced / seconds,
    requestsPerSecond: client.requestsSent / seconds,
    stats: { ...stats },
  };
}
