import { z } from '@hono/zod-openapi';
import { channels } from '#db/schema/orders.ts';
import { KPI_METRICS, MAX_TIMESERIES_POINTS, timeseriesPoints } from '#analytics/kpis/compute-kpis.ts';
import { KPI_FILTER_DEFINITIONS } from '#analytics/kpis/definitions.ts';
import { RELATIVE_WINDOWS } from '#analytics/kpis/relative-window.ts';
import { CreateProductInput } from '#server/catalog/catalog.schemas.ts';

const Timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time (e.g. 2026-11-01T00:00:00Z)' });

const Window = {
  from: Timestamp.openapi({ description: 'start of the window (included)', example: '2026-11-01T00:00:00Z' }),
  to: Timestamp.openapi({ description: 'end of the window (excluded)', example: '2026-11-02T00:00:00Z' }),
};

const Filters = {
  channel: z.enum(channels).optional().openapi({ description: `only this sales channel: ${KPI_FILTER_DEFINITIONS.channel}` }),
  locationId: z.uuid('must be a location id (UUID)').optional().openapi({ description: `only this location: ${KPI_FILTER_DEFINITIONS.locationId}` }),
  category: z.string().trim().min(1).max(100).optional().openapi({ description: `only this product category: ${KPI_FILTER_DEFINITIONS.category}` }),
  carrier: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .optional()
    .openapi({ description: `only this carrier: ${KPI_FILTER_DEFINITIONS.carrier}`, example: 'ups' }),
  region: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters')
    .optional()
    .openapi({ description: `only this destination region: ${KPI_FILTER_DEFINITIONS.region}`, example: 'TX' }),
  // The catalog's own rule for a sku: a value it refuses can match no line.
  sku: CreateProductInput.shape.sku.optional().openapi({ description: `only this sku: ${KPI_FILTER_DEFINITIONS.sku}` }),
};

function windowOrdered(query: { from: string; to: string }, ctx: z.RefinementCtx) {
  if (Date.parse(query.from) >= Date.parse(query.to)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
}

const RelativeWindowParam = z
  .enum(RELATIVE_WINDOWS, `must be one of ${RELATIVE_WINDOWS.join(', ')}`)
  .optional()
  .openapi({
    description:
      'instead of from and to: the last 1h, 24h, 7d or 30d up to the server\'s now, rounded up to the next whole minute. A URL that does not change, so a page can preload it',
    example: '24h',
  });

// Either an absolute window (from and to) or a relative one (window), never both.
export const KpiQuerySchema = z
  .strictObject({ from: Window.from.optional(), to: Window.to.optional(), window: RelativeWindowParam, ...Filters })
  .superRefine((query, ctx) => {
    if (query.window !== undefined) {
      for (const key of ['from', 'to'] as const) if (query[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'must not be given with window' });
      return;
    }
    for (const key of ['from', 'to'] as const) if (query[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'is required (or give window)' });
    if (query.from !== undefined && query.to !== undefined) windowOrdered({ from: query.from, to: query.to }, ctx);
  });

const STEP = /^([1-9]\d{0,6})(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function stepMs(step: string): number {
  const [, amount, unit] = STEP.exec(step)!;
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}

export const TimeseriesQuerySchema = z
  .strictObject({
    metric: z.enum(KPI_METRICS as [string, ...string[]], `must be one of ${KPI_METRICS.join(', ')}`).openapi({ description: 'a KPI of analytics/kpis/definitions.ts' }),
    ...Window,
    step: z.string().regex(STEP, 'must be a duration such as 30s, 5m, 1h or 1d').openapi({ description: 'bucket width', example: '1h' }),
    ...Filters,
  })
  .superRefine((query, ctx) => {
    windowOrdered(query, ctx);
    if (!STEP.test(query.step) || Date.parse(query.from) >= Date.parse(query.to)) return;
    const points = timeseriesPoints(new Date(query.from), new Date(query.to), stepMs(query.step));
    if (points > MAX_TIMESERIES_POINTS) ctx.addIssue({ code: 'custom', path: ['step'], message: `gives ${points} points for this window; at most ${MAX_TIMESERIES_POINTS} (use a larger step)` });
  });

// Open orders have no shipment and order_facts keeps no lines: no carrier, sku or category here.
export const BacklogQuerySchema = z.strictObject({ channel: Filters.channel, locationId: Filters.locationId, region: Filters.region });

export const BacklogSchema = z
  .array(z.object({ status: z.string(), locationId: z.string(), orders: z.number().int() }))
  .openapi('Backlog', { description: 'open orders now, per current status × location (the location most of the order is allocated to)' });

export const ReconciliationQuerySchema = z.strictObject(Window).superRefine(windowOrdered);

const nullableNumber = z.number().nullable();

export const KpisSchema = z
  .object({
    deliveryTimeHours: z.object({ p50: nullableNumber, p90: nullableNumber, mean: nullableNumber }),
    fulfillmentCostCents: z.object({
      perOrder: nullableNumber,
      shareOfRevenue: nullableNumber,
      pickPackPerOrder: nullableNumber,
      packagingPerOrder: nullableNumber,
      labelPerOrder: nullableNumber,
      splitExtraPerOrder: nullableNumber,
    }),
    returnRate: nullableNumber,
    orders: z.number().int(),
    revenueCents: z.number().int(),
    onTimeRate: nullableNumber,
    backorderRate: nullableNumber,
    cancellationRate: nullableNumber,
    pipelineLagMs: nullableNumber,
    freshAsOf: z.string().nullable(),
  })
  .openapi('Kpis');

export const TimeseriesSchema = z.array(z.object({ t: z.string(), value: nullableNumber })).openapi('KpiTimeseries');

const DayFigures = z.object({ orders: z.number().int(), units: z.number().int(), revenueCents: z.number().int() });

export const ReconciliationSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    upToOutboxId: z.number().int(),
    days: z.array(z.object({ day: z.string(), postgres: DayFigures, clickhouse: DayFigures })),
    differences: z.array(z.object({ day: z.string(), field: z.enum(['orders', 'units', 'revenueCents']), postgres: z.number(), clickhouse: z.number() })),
    ok: z.boolean(),
  })
  .openapi('Reconciliation');
