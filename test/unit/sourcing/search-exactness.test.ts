/**
 * Random small networks (seeded, so a failure repeats) checked against a brute force written
 * apart from the engine: every decision keeps to stock, eligibility and the cost formula, and
 * whenever one or two locations can fill the order the engine finds the cheapest such plan.
 */
import { describe, expect, it } from 'vitest';
import { distanceKm } from '#server/inventory/allocation-plan.ts';
import { chooseSources } from '#server/sourcing/choose-sources.ts';
import { billableKg, cheapestQuote } from '#server/sourcing/shipping-cost.ts';
import type { SourcingPolicy } from '#server/sourcing/sourcing-policy.ts';
import type { SourcingLocation, SourcingRequest } from '#server/sourcing/sourcing.types.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { customer, line, location, shipOrder, testPolicy } from './network-factory.ts';

/**
 * Sparse cases reach every strategy; dense ones make pairs compete with single locations;
 * tight ones (whole-kilogram units, no fuel, no volume) make the search's cost bound exact,
 * so a bound that cut one cent too much would lose plans.
 */
type Kind = 'sparse' | 'dense' | 'tight';

function randomCase(seed: number, kind: Kind): { request: SourcingRequest; policy: SourcingPolicy } {
  const dense = kind !== 'sparse';
  const random = seededRandom(seed);
  const locations = Array.from({ length: dense ? random.int(6, 14) : random.int(2, 9) }, (_, i) =>
    location(`loc-${i}`, {
      km: random.int(0, 1500),
      pick: random.int(0, 200),
      pack: random.int(0, 400),
      capacity: random.next() < 0.1 ? 0 : 5,
      active: random.next() > 0.1,
    }),
  );
  const lines = Array.from({ length: random.int(1, 4) }, (_, i) =>
    line(i, `SKU-${i}`, random.int(1, 4), {
      grams: kind === 'tight' ? 1000 * random.int(1, 3) : random.int(50, 3000),
      priceCents: random.int(100, 3000),
      dimensionsMm: kind !== 'tight' && random.next() < 0.3 ? { lengthMm: random.int(100, 500), widthMm: random.int(100, 400), heightMm: random.int(50, 300) } : null,
    }),
  );
  const availability = locations.flatMap((l) => lines.filter(() => random.next() < (dense ? 0.85 : 0.6)).map((ln) => ({ sku: ln.sku, locationId: l.id, available: random.int(0, 5) })));
  const policy = testPolicy({ splitPenaltyCents: dense ? random.int(0, 150) : random.int(0, 800), minSplitLineValueCents: random.int(0, 6000), runnersUpLogged: [0, 1, 3, 6][random.int(0, 3)]! });
  policy.rates[0]!.fuelSurchargeBp = kind === 'tight' ? 0 : random.int(0, 2500);
  return { request: shipOrder(lines, locations, availability, { service: random.next() < 0.3 ? 'express' : 'standard' }), policy };
}

const atpOf = (request: SourcingRequest, locationId: string, sku: string) =>
  Math.max(0, request.availability.find((a) => a.locationId === locationId && a.sku === sku)?.available ?? 0);

function shipmentCents(request: SourcingRequest, policy: SourcingPolicy, loc: SourcingLocation, units: number[]): number {
  let weight = 0;
  let volume = 0;
  let count = 0;
  request.lines.forEach((l, i) => {
    const d = l.dimensionsMm;
    weight += units[i]! * l.unitWeightGrams;
    volume += units[i]! * (d ? d.lengthMm * d.widthMm * d.heightMm : 0);
    count += units[i]!;
  });
  const distance = distanceKm(customer, loc);
  const quote = cheapestQuote(policy.rates, request.service, distance, billableKg(weight, volume, policy.dimWeightDivisorCm3PerKg));
  return quote ? quote.shippingCents + loc.pickCostCents * count + loc.packCostCents : Infinity;
}

/** The cost of every complete plan of one or two shipments (the cheapest per set of locations), cheapest first. */
function bruteForce(request: SourcingRequest, policy: SourcingPolicy): number[] {
  const eligible = request.locations.filter((l) => l.active && l.shipsToCustomers && l.remainingDailyCapacity >= 1);
  const lines = request.lines;
  const plans: number[] = [];
  for (const l of eligible) {
    if (lines.every((ln) => atpOf(request, l.id, ln.sku) >= ln.quantity)) plans.push(shipmentCents(request, policy, l, lines.map((ln) => ln.quantity)));
  }
  for (let i = 0; i < eligible.length; i++) {
    for (let j = i + 1; j < eligible.length; j++) {
      const [a, b] = [eligible[i]!, eligible[j]!];
      const options = lines.map((ln) => {
        const [xa, xb, q] = [atpOf(request, a.id, ln.sku), atpOf(request, b.id, ln.sku), ln.quantity];
        const splittable = ln.unitPriceCents * q >= policy.minSplitLineValueCents;
        const choices: [number, number][] = [];
        if (xa >= q) choices.push([q, 0]);
        if (xb >= q) choices.push([0, q]);
        if (xa < q && xb < q && splittable && xa + xb >= q) choices.push([xa, q - xa], [q - xb, xb]);
        return choices;
      });
      let best = Infinity;
      const walk = (k: number, ua: number[], ub: number[]): void => {
        if (k === lines.length) {
          if (ua.some((u) => u > 0) && ub.some((u) => u > 0)) {
            best = Math.min(best, shipmentCents(request, policy, a, ua) + shipmentCents(request, policy, b, ub) + policy.splitPenaltyCents);
          }
          return;
        }
        for (const [x, y] of options[k]!) walk(k + 1, [...ua, x], [...ub, y]);
      };
      walk(0, [], []);
      if (best < Infinity) plans.push(best);
    }
  }
  return plans.filter((cost) => cost < Infinity).sort((a, b) => a - b);
}

describe('chooseSources on random networks', () => {
  const kinds: Kind[] = ['sparse', 'dense', 'tight'];
  const cases = Array.from({ length: 600 }, (_, i) => ({ seed: i + 1, kind: kinds[i % 3]! }));

  it.each(cases)('case $seed ($kind) keeps to stock, eligibility and the cost formula, and finds the cheapest plans of ≤ 2 shipments', ({ seed, kind }) => {
    const { request, policy } = randomCase(seed, kind);
    const decision = chooseSources(request, policy);
    const byId = new Map(request.locations.map((l) => [l.id, l]));

    const allocated = new Map<string, number>();
    const perLine = new Map<number, number>();
    const sourcesPerLine = new Map<number, Set<string>>();
    let total = 0;
    for (const s of decision.shipments) {
      const loc = byId.get(s.locationId)!;
      expect(loc.active && loc.shipsToCustomers && loc.remainingDailyCapacity >= 1).toBe(true);
      const units = request.lines.map((ln) => s.lines.filter((l) => l.lineIndex === ln.lineIndex).reduce((n, l) => n + l.quantity, 0));
      const cents = shipmentCents(request, policy, loc, units);
      expect(s.shippingCents + s.pickCents + s.packCents).toBe(cents);
      total += cents;
      for (const l of s.lines) {
        expect(l.quantity).toBeGreaterThan(0);
        const key = `${s.locationId}|${l.sku}`;
        allocated.set(key, (allocated.get(key) ?? 0) + l.quantity);
        perLine.set(l.lineIndex, (perLine.get(l.lineIndex) ?? 0) + l.quantity);
        sourcesPerLine.set(l.lineIndex, (sourcesPerLine.get(l.lineIndex) ?? new Set()).add(s.locationId));
      }
    }
    for (const [key, units] of allocated) {
      const [locationId, sku] = key.split('|') as [string, string];
      expect(units).toBeLessThanOrEqual(atpOf(request, locationId, sku));
    }
    for (const ln of request.lines) {
      expect((perLine.get(ln.lineIndex) ?? 0) + (decision.shortByLine.get(ln.lineIndex) ?? 0)).toBe(ln.quantity);
      if (ln.unitPriceCents * ln.quantity < policy.minSplitLineValueCents) expect(sourcesPerLine.get(ln.lineIndex)?.size ?? 0).toBeLessThanOrEqual(1);
    }
    expect(decision.costs.totalCents).toBe(total + policy.splitPenaltyCents * Math.max(0, decision.shipments.length - 1));

    const plans = bruteForce(request, policy);
    if (plans.length === 0) {
      expect(['greedy_cover', 'nothing_available']).toContain(decision.log.strategy);
    } else {
      expect(['single', 'split_pair']).toContain(decision.log.strategy);
      expect(decision.shortByLine.size).toBe(0);
      // The winner and every runner-up, exactly: the search cut no plan it should have kept.
      expect([decision.costs.totalCents, ...decision.log.runnersUp.map((r) => r.totalCents)]).toEqual(plans.slice(0, 1 + policy.runnersUpLogged));
    }
    expect(decision.log.runnersUp.every((r, i, all) => r.deltaCents >= 0 && (i === 0 || r.totalCents >= all[i - 1]!.totalCents))).toBe(true);
  });

  it('decides the same whatever order the locations and stock rows come in', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const { request, policy } = randomCase(seed, kinds[seed % 3]!);
      const reversed = { ...request, locations: [...request.locations].reverse(), availability: [...request.availability].reverse() };
      const a = chooseSources(request, policy);
      const b = chooseSources(reversed, policy);
      expect(b.shipments).toEqual(a.shipments);
      expect(b.log.runnersUp).toEqual(a.log.runnersUp);
      expect(b.log.greedyRounds).toEqual(a.log.greedyRounds);
    }
  });
});
