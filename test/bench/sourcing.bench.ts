/**
 * Sourcing decisions per second (issue 5): `chooseSources` on random but seeded 5-line orders
 * over a 50-location network (8 warehouses, 3 3PLs, 37 stores of which 25 ship, 2 drop-ship
 * vendors), default policy, one core (the engine is synchronous). Orders are generated before
 * timing; each decision is timed alone. Warm-up, then a measured window; prints ONE JSON line.
 * `decisionsPerSec` is wall-clock and decides `pass`; `details.cpuDecisionsPerSec` divides by
 * the CPU time this process got instead, which says what one core does when the shared
 * machine is busy (`details.loadAverage` says how busy it was).
 * Settings: BENCH_SOURCING_SECONDS (measured window, default 5), BENCH_SOURCING_WARMUP_SECONDS
 * (default 2), BENCH_SOURCING_SEED (default 5).
 */
import { loadavg } from 'node:os';
import { chooseSources } from '#server/sourcing/choose-sources.ts';
import { defaultSourcingPolicy } from '#server/sourcing/default-policy.ts';
import type { AvailableToPromise, SourcingLine, SourcingLocation, SourcingRequest } from '#server/sourcing/sourcing.types.ts';
import { seededRandom } from '#test/unit/support/seeded-random.ts';
import { runBenchMain } from './support/bench-main.ts';
import { percentile, round } from './support/percentiles.ts';

const TARGET = { decisionsPerSecAtLeast: 5_000 };
const measureMs = Number(process.env.BENCH_SOURCING_SECONDS ?? 5) * 1000;
const warmupMs = Number(process.env.BENCH_SOURCING_WARMUP_SECONDS ?? 2) * 1000;
const seed = Number(process.env.BENCH_SOURCING_SEED ?? 5);
if (!(measureMs >= 500) || !(warmupMs >= 0) || !Number.isInteger(seed)) throw new Error('BENCH_SOURCING_SECONDS must be ≥ 0.5, BENCH_SOURCING_WARMUP_SECONDS ≥ 0, BENCH_SOURCING_SEED a whole number');

const settings = { locations: 50, skus: 400, linesPerOrder: 5, orders: 4_000, dropShipSkuEvery: 40, expressShare: 0.15 };
const progress = (message: string) => process.stderr.write(`[sourcing] ${message}\n`);
const random = seededRandom(seed);
const between = (min: number, max: number) => min + random.next() * (max - min);

/** Continental US, roughly. */
const somewhereInTheUs = () => ({ lat: round(between(26, 48), 4), lon: round(between(-122, -71), 4) });

function network(): SourcingLocation[] {
  const kinds: SourcingLocation['kind'][] = [
    ...Array<SourcingLocation['kind']>(8).fill('warehouse'),
    ...Array<SourcingLocation['kind']>(3).fill('3pl'),
    ...Array<SourcingLocation['kind']>(37).fill('store'),
    ...Array<SourcingLocation['kind']>(2).fill('dropship'),
  ];
  return kinds.map((kind, i) => {
    const store = kind === 'store';
    return {
      id: `${kind}-${String(i).padStart(2, '0')}`,
      kind,
      ...somewhereInTheUs(),
      pickCostCents: store ? random.int(80, 160) : random.int(25, 60),
      packCostCents: store ? random.int(200, 320) : random.int(110, 180),
      // A few locations have used up today's capacity or are closed.
      remainingDailyCapacity: random.next() < 0.06 ? 0 : store ? random.int(5, 60) : random.int(500, 5_000),
      shipsToCustomers: !store || i % 3 !== 0,
      offersPickup: store,
      active: random.next() > 0.04,
    };
  });
}

function stock(locations: readonly SourcingLocation[]): Map<string, AvailableToPromise[]> {
  const bySku = new Map<string, AvailableToPromise[]>();
  for (let s = 0; s < settings.skus; s++) {
    const sku = `SKU-${s}`;
    const rows: AvailableToPromise[] = [];
    for (const location of locations) {
      if (location.kind === 'dropship') {
        if (s % settings.dropShipSkuEvery === 0) rows.push({ sku, locationId: location.id, available: 10_000 });
        continue;
      }
      const held = location.kind === 'store' ? 0.45 : 0.8;
      if (random.next() < held) rows.push({ sku, locationId: location.id, available: random.int(0, location.kind === 'store' ? 8 : 60) });
    }
    bySku.set(sku, rows);
  }
  return bySku;
}

function orders(locations: readonly SourcingLocation[], bySku: Map<string, AvailableToPromise[]>): SourcingRequest[] {
  const vendors = locations.filter((l) => l.kind === 'dropship');
  const placedFrom = Date.parse('2026-11-23T00:00:00Z');
  return Array.from({ length: settings.orders }, () => {
    const skus = new Set<number>();
    while (skus.size < settings.linesPerOrder) skus.add(random.int(0, settings.skus - 1));
    const lines: SourcingLine[] = [...skus].map((s, lineIndex) => ({
      lineIndex,
      sku: `SKU-${s}`,
      quantity: random.int(1, 3),
      unitWeightGrams: random.int(100, 4_000),
      unitPriceCents: random.int(300, 15_000),
      dimensionsMm: random.next() < 0.5 ? { lengthMm: random.int(50, 600), widthMm: random.int(50, 400), heightMm: random.int(20, 300) } : null,
      dropShipVendorId: s % settings.dropShipSkuEvery === 0 ? vendors[s % vendors.length]!.id : null,
    }));
    return {
      lines,
      fulfilment: { method: 'ship', destination: somewhereInTheUs() },
      service: random.next() < settings.expressShare ? 'express' : 'standard',
      placedAt: new Date(placedFrom + random.int(0, 7 * 86_400_000)),
      locations,
      availability: lines.flatMap((l) => bySku.get(l.sku)!),
    } satisfies SourcingRequest;
  });
}

async function measure() {
  const locations = network();
  const requests = orders(locations, stock(locations));
  progress(`${requests.length} orders of ${settings.linesPerOrder} lines over ${locations.length} locations; warm-up ${warmupMs / 1000} s`);
  let next = 0;
  let checksum = 0;
  const decideOne = () => {
    const decision = chooseSources(requests[next]!, defaultSourcingPolicy);
    next = (next + 1) % requests.length;
    checksum += decision.costs.totalCents;
    return decision;
  };

  const warmupEnd = performance.now() + warmupMs;
  while (performance.now() < warmupEnd) decideOne();

  progress(`measuring ${measureMs / 1000} s`);
  const latenciesUs: number[] = [];
  const strategies = new Map<string, number>();
  let shipments = 0;
  const load = loadavg()[0]!;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const end = start + measureMs;
  let now = start;
  while (now < end) {
    const before = now;
    const decision = decideOne();
    now = performance.now();
    latenciesUs.push((now - before) * 1000);
    strategies.set(decision.log.strategy, (strategies.get(decision.log.strategy) ?? 0) + 1);
    shipments += decision.shipments.length;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const decisions = latenciesUs.length;
  const decisionsPerSec = decisions / ((now - start) / 1000);
  return {
    bench: 'sourcing',
    date: new Date().toISOString(),
    decisionsPerSec: round(decisionsPerSec, 0),
    target: TARGET.decisionsPerSecAtLeast,
    pass: decisionsPerSec >= TARGET.decisionsPerSecAtLeast,
    details: {
      decisions,
      measuredSeconds: round((now - start) / 1000),
      cpuDecisionsPerSec: round(decisions / ((cpu.user + cpu.system) / 1e6), 0),
      loadAverage: round(load),
      perDecisionUs: { p50: round(percentile(latenciesUs, 50), 1), p99: round(percentile(latenciesUs, 99), 1), max: round(percentile(latenciesUs, 100), 1) },
      strategies: Object.fromEntries(strategies),
      shipmentsPerDecision: round(shipments / decisions),
      settings: { ...settings, seed, warmupSeconds: warmupMs / 1000 },
      node: process.version,
      checksum,
    },
  };
}

await runBenchMain({ measure, cleanUp: async () => undefined, progress, serverOutput: () => undefined });
