import { and, eq, inArray, type SQL } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { locations } from '#db/schema/locations.ts';
import { transferLanes } from '#db/schema/purchasing.ts';
import { ValidationError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { distanceKm } from '#server/inventory/allocation-plan.ts';
import type { Lane, LaneInput, LaneQuery } from './purchasing.schemas.ts';

interface Point {
  lat: number;
  lon: number;
}

const NOWHERE: Point = { lat: 0, lon: 0 };

export interface LaneTerms {
  leadTimeDays: number;
  costPerUnitCents: number;
}

/**
 * A lane nobody configured, from the great-circle distance: a day to load and unload plus a day
 * per ~800 km of road, and a handling fee of 25 cents plus 5 cents per 100 km for each unit.
 */
export function defaultLane(from: Point, to: Point): LaneTerms & { distanceKm: number } {
  const km = distanceKm(from, to);
  return { leadTimeDays: 1 + Math.ceil(km / 800), costPerUnitCents: 25 + Math.round(km / 20), distanceKm: Math.round(km) };
}

/**
 * Every lane's terms in one read: the configured row, else the distance default. Unknown
 * locations get the default of no distance (1 day, the handling fee).
 */
export async function laneLeadTimes(db: Executor): Promise<(from: string, to: string) => LaneTerms> {
  const [rows, points] = await Promise.all([db.select().from(transferLanes), db.select({ id: locations.id, lat: locations.lat, lon: locations.lon }).from(locations)]);
  const configured = new Map(rows.map((r) => [`${r.fromLocationId}>${r.toLocationId}`, { leadTimeDays: r.leadTimeDays, costPerUnitCents: r.costPerUnitCents }]));
  const where = new Map(points.map((p) => [p.id, p]));
  return (from, to) => {
    const own = configured.get(`${from}>${to}`);
    if (own) return own;
    const a = where.get(from);
    const b = where.get(to);
    const { leadTimeDays, costPerUnitCents } = a && b ? defaultLane(a, b) : defaultLane(NOWHERE, NOWHERE);
    return { leadTimeDays, costPerUnitCents };
  };
}

/** The terms of one lane, inside a command's transaction. */
export async function laneTerms(tx: Executor, fromLocationId: string, toLocationId: string): Promise<LaneTerms> {
  const [row] = await tx
    .select()
    .from(transferLanes)
    .where(and(eq(transferLanes.fromLocationId, fromLocationId), eq(transferLanes.toLocationId, toLocationId)));
  if (row) return { leadTimeDays: row.leadTimeDays, costPerUnitCents: row.costPerUnitCents };
  const ends = await tx.select({ id: locations.id, lat: locations.lat, lon: locations.lon }).from(locations).where(inArray(locations.id, [fromLocationId, toLocationId]));
  const from = ends.find((e) => e.id === fromLocationId);
  const to = ends.find((e) => e.id === toLocationId);
  const { leadTimeDays, costPerUnitCents } = from && to ? defaultLane(from, to) : defaultLane(NOWHERE, NOWHERE);
  return { leadTimeDays, costPerUnitCents };
}

/** Configured lanes, and with `includeDefaults` every other pair of active locations from its distance. */
export async function listLanes(db: Executor, query: LaneQuery): Promise<Lane[]> {
  const conditions: SQL[] = [];
  if (query.fromLocationId) conditions.push(eq(transferLanes.fromLocationId, query.fromLocationId));
  if (query.toLocationId) conditions.push(eq(transferLanes.toLocationId, query.toLocationId));
  const [rows, points] = await Promise.all([
    db.select().from(transferLanes).where(and(...conditions)),
    db.select({ id: locations.id, lat: locations.lat, lon: locations.lon, active: locations.active }).from(locations),
  ]);
  const where = new Map(points.map((p) => [p.id, p]));
  const km = (a: string, b: string) => {
    const from = where.get(a);
    const to = where.get(b);
    return from && to ? Math.round(distanceKm(from, to)) : 0;
  };
  const lanes: Lane[] = rows.map((r) => ({
    fromLocationId: r.fromLocationId,
    toLocationId: r.toLocationId,
    leadTimeDays: r.leadTimeDays,
    costPerUnitCents: r.costPerUnitCents,
    distanceKm: km(r.fromLocationId, r.toLocationId),
    configured: true,
  }));
  if (query.includeDefaults === 'true') {
    const have = new Set(rows.map((r) => `${r.fromLocationId}>${r.toLocationId}`));
    const active = points.filter((p) => p.active);
    for (const from of active) {
      if (query.fromLocationId && from.id !== query.fromLocationId) continue;
      for (const to of active) {
        if (from.id === to.id || have.has(`${from.id}>${to.id}`)) continue;
        if (query.toLocationId && to.id !== query.toLocationId) continue;
        lanes.push({ fromLocationId: from.id, toLocationId: to.id, ...defaultLane(from, to), configured: false });
      }
    }
  }
  return lanes.sort((a, b) => a.fromLocationId.localeCompare(b.fromLocationId) || a.toLocationId.localeCompare(b.toLocationId));
}

export async function setLane(ctx: ServiceContext, input: LaneInput): Promise<Lane> {
  if (input.fromLocationId === input.toLocationId) throw ValidationError.field('toLocationId', 'must differ from fromLocationId');
  const ends = await ctx.db.select({ id: locations.id, lat: locations.lat, lon: locations.lon }).from(locations).where(inArray(locations.id, [input.fromLocationId, input.toLocationId]));
  const from = ends.find((e) => e.id === input.fromLocationId);
  const to = ends.find((e) => e.id === input.toLocationId);
  if (!from) throw ValidationError.field('fromLocationId', 'no location has this id');
  if (!to) throw ValidationError.field('toLocationId', 'no location has this id');
  const terms = { leadTimeDays: input.leadTimeDays, costPerUnitCents: input.costPerUnitCents, updatedAt: ctx.clock.now() };
  await ctx.db
    .insert(transferLanes)
    .values({ fromLocationId: input.fromLocationId, toLocationId: input.toLocationId, ...terms })
    .onConflictDoUpdate({ target: [transferLanes.fromLocationId, transferLanes.toLocationId], set: terms });
  return { ...input, distanceKm: Math.round(distanceKm(from, to)), configured: true };
}
