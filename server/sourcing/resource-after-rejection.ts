import { ConflictError, ValidationError } from '#server/core/errors.ts';
import { buildShipment } from './build-shipment.ts';
import { decideSourcing } from './choose-sources.ts';
import { LineFiller, orderDemand } from './order-demand.ts';
import type { Exclusion, SourcingPolicy } from './sourcing-policy.ts';
import type { AvailabilityAdjustment, AvailableToPromise, Rejection, Shipment, ShipmentLine, SourcingDecision, SourcingRequest } from './sourcing.types.ts';

/**
 * Sources again what a location handed back, leaving every other shipment as it stands.
 *
 * `request` is the request the first decision was made from: its availability is the
 * snapshot before this order reserved anything (from the database: free units plus this
 * order's own reservations). Each rejection becomes a change to that snapshot, kept in the
 * decision so a later rejection replays them all:
 * - short_pick: the location holds exactly what it found of those SKUs (`set`), which it keeps
 *   sending; the rest is sourced again;
 * - damaged: the location has the damaged units fewer (`reduce`); it keeps the good units and
 *   may be chosen again for the rest from its other stock;
 * - capacity, closure: the location is excluded and its whole shipment is sourced again.
 * New shipments are dated from `rejection.at`; the log's `reroute` says what moved.
 */
export function resourceAfterRejection(request: SourcingRequest, policy: SourcingPolicy, prior: SourcingDecision, rejection: Rejection): SourcingDecision {
  const rejected = prior.shipments.filter((s) => s.locationId === rejection.locationId);
  if (rejected.length === 0) throw new ConflictError(`${rejection.locationId} holds no shipment of this decision`);
  const handsBackAll = rejection.reason === 'capacity' || rejection.reason === 'closure';
  const keepBudget = handsBackAll ? new Map<number, number>() : fulfillableByLine(rejection, rejected);

  const kept: Shipment[] = prior.shipments.filter((s) => s.locationId !== rejection.locationId);
  const resourced: ShipmentLine[] = [];
  const keptAtRejecting = new Map<string, number>();
  for (const shipment of rejected) {
    const stays: ShipmentLine[] = [];
    for (const line of shipment.lines) {
      const budget = handsBackAll ? 0 : (keepBudget.get(line.lineIndex) ?? line.quantity);
      const keep = Math.min(budget, line.quantity);
      if (!handsBackAll && keepBudget.has(line.lineIndex)) keepBudget.set(line.lineIndex, budget - keep);
      if (keep > 0) stays.push({ ...line, quantity: keep });
      if (keep < line.quantity) resourced.push({ ...line, quantity: line.quantity - keep });
      keptAtRejecting.set(line.sku, (keptAtRejecting.get(line.sku) ?? 0) + keep);
    }
    if (stays.length > 0) kept.push(reduced(request, policy, shipment, stays));
  }

  const adjustments = [...prior.adjustments];
  const exclusions: Exclusion[] = [...prior.exclusions];
  if (handsBackAll) {
    exclusions.push({ locationId: rejection.locationId, reason: `${rejection.reason} reported at ${rejection.at.toISOString()}` });
  } else {
    for (const sku of new Set(resourced.map((l) => l.sku))) {
      const gone = resourced.filter((l) => l.sku === sku).reduce((sum, l) => sum + l.quantity, 0);
      adjustments.push(
        rejection.reason === 'short_pick'
          ? { locationId: rejection.locationId, sku, kind: 'set', units: keptAtRejecting.get(sku) ?? 0, reason: 'short_pick' }
          : { locationId: rejection.locationId, sku, kind: 'reduce', units: gone, reason: 'damaged' },
      );
    }
  }

  const again: SourcingRequest = {
    ...request,
    placedAt: rejection.at,
    lines: residualLines(request, resourced),
    availability: availabilityAfter(request.availability, adjustments, kept),
    locations: request.locations.map((l) => {
      const used = kept.filter((s) => s.locationId === l.id).length;
      return used === 0 ? l : { ...l, remainingDailyCapacity: l.remainingDailyCapacity - used };
    }),
  };
  return decideSourcing(again, { ...policy, exclusions: [...policy.exclusions, ...exclusions] }, {
    kept,
    carriedShort: prior.log.short,
    adjustments,
    exclusions,
    reroute: {
      rejectedLocationId: rejection.locationId,
      reason: rejection.reason,
      at: rejection.at.toISOString(),
      resourced,
      keptLocationIds: [...new Set(kept.map((s) => s.locationId))],
      previousTotalCents: prior.costs.totalCents,
    },
  });
}

/** Units per line the rejecting location can still send, checked against what it was given. */
function fulfillableByLine(rejection: Rejection, rejected: readonly Shipment[]): Map<number, number> {
  const allocated = new Map<number, number>();
  for (const s of rejected) for (const l of s.lines) allocated.set(l.lineIndex, (allocated.get(l.lineIndex) ?? 0) + l.quantity);
  const result = new Map<number, number>();
  (rejection.lines ?? []).forEach((line, k) => {
    const given = allocated.get(line.lineIndex);
    const path = `lines.${k}`;
    if (given === undefined) throw ValidationError.field(`${path}.lineIndex`, `line ${line.lineIndex} has no units at ${rejection.locationId}`);
    if (!Number.isInteger(line.fulfillableQuantity) || line.fulfillableQuantity < 0 || line.fulfillableQuantity > given) {
      throw ValidationError.field(`${path}.fulfillableQuantity`, `must be a whole number from 0 to ${given}`);
    }
    result.set(line.lineIndex, line.fulfillableQuantity);
  });
  return result;
}

/** The rejecting location's shipment with only what it still sends, priced again, dates unchanged. */
function reduced(request: SourcingRequest, policy: SourcingPolicy, shipment: Shipment, stays: ShipmentLine[]): Shipment {
  const location = request.locations.find((l) => l.id === shipment.locationId);
  if (!location) throw new ConflictError(`${shipment.locationId} is not in the request's locations`);
  const lines = stays.map((s) => ({ ...request.lines.find((l) => l.lineIndex === s.lineIndex)!, quantity: s.quantity }));
  const { own, byVendor } = orderDemand(lines, 0);
  const demands = [...own, ...[...byVendor.values()].flat()];
  const rebuilt = buildShipment(
    {
      location,
      distanceKm: shipment.distanceKm,
      type: shipment.type,
      demands,
      units: demands.map((d) => d.quantity),
      service: shipment.service ?? request.service,
      releasedAtMs: request.placedAt.getTime(),
    },
    policy,
    new LineFiller(demands),
  );
  return { ...rebuilt, shipDate: shipment.shipDate, promisedDate: shipment.promisedDate };
}

function residualLines(request: SourcingRequest, resourced: readonly ShipmentLine[]): SourcingRequest['lines'] {
  const residual = new Map<number, number>();
  for (const l of resourced) residual.set(l.lineIndex, (residual.get(l.lineIndex) ?? 0) + l.quantity);
  return request.lines.filter((l) => residual.has(l.lineIndex)).map((l) => ({ ...l, quantity: residual.get(l.lineIndex)! }));
}

/** The snapshot with every adjustment replayed, less what the kept shipments hold. */
function availabilityAfter(rows: readonly AvailableToPromise[], adjustments: readonly AvailabilityAdjustment[], kept: readonly Shipment[]): AvailableToPromise[] {
  const key = (locationId: string, sku: string) => `${locationId}\u0000${sku}`;
  const units = new Map<string, AvailableToPromise>();
  for (const row of rows) units.set(key(row.locationId, row.sku), { ...row, available: Math.max(0, row.available) });
  const at = (locationId: string, sku: string) => {
    const k = key(locationId, sku);
    const row = units.get(k) ?? { locationId, sku, available: 0 };
    units.set(k, row);
    return row;
  };
  for (const a of adjustments) {
    const row = at(a.locationId, a.sku);
    row.available = a.kind === 'set' ? a.units : Math.max(0, row.available - a.units);
  }
  for (const s of kept) {
    for (const l of s.lines) {
      const row = at(s.locationId, l.sku);
      row.available = Math.max(0, row.available - l.quantity);
    }
  }
  return [...units.values()];
}
