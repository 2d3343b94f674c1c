import { z } from '@hono/zod-openapi';

const AccuracySummary = z.object({
  series: z.number().int(),
  backtested: z.number().int().openapi({ description: 'Series with enough history (and variation) to be scored; the means are over these' }),
  meanMase: z.number().nullable(),
  meanBaselineMase: z.number().nullable(),
  maseRatio: z.number().nullable().openapi({ description: 'meanMase / meanBaselineMase: below 1 beats seasonal naive' }),
  meanWape: z.number().nullable(),
});

export const RunSummary = z
  .object({
    locations: AccuracySummary,
    network: AccuracySummary,
    models: z.record(z.string(), z.number().int()).openapi({ description: 'How many series each model was chosen for' }),
    classifications: z.record(z.string(), z.number().int()),
    proposals: z.object({ purchase: z.number().int(), transfer: z.number().int(), costCents: z.number().int() }),
    elapsedMs: z.number(),
  })
  .openapi('ForecastRunSummary');

export const ForecastRun = z
  .object({
    id: z.string(),
    number: z.number().int(),
    status: z.enum(['running', 'succeeded', 'failed']),
    trigger: z.enum(['schedule', 'manual']),
    asOfDate: z.string().openapi({ description: 'The last day of history the run read; its forecasts start the day after' }),
    parameters: z.unknown(),
    seriesTotal: z.number().int(),
    seriesDone: z.number().int(),
    summary: RunSummary.nullable().openapi({ description: 'Of a succeeded run: mean MASE and WAPE against seasonal naive (locations and network), models chosen, proposals made' }),
    proposalsCreated: z.number().int(),
    error: z.string().nullable(),
    requestedBy: z.string().nullable(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('ForecastRun');

export const ForecastPoint = z.object({ date: z.string(), forecast: z.number(), lo80: z.number(), hi80: z.number() });

export const ForecastMetrics = z
  .object({
    mase: z.number().nullable(),
    wape: z.number().nullable(),
    smape: z.number().nullable(),
    bias: z.number().nullable(),
    baselineMase: z.number().nullable().openapi({ description: 'Seasonal naive’s MASE on the same backtest' }),
    candidates: z.array(z.object({ model: z.string(), mase: z.number().nullable(), wape: z.number().nullable(), smape: z.number().nullable() })),
  })
  .passthrough();

export const ForecastSeriesItem = z
  .object({
    sku: z.string(),
    locationId: z.string().nullable().openapi({ description: 'null: the SKU network-wide' }),
    model: z.string(),
    classification: z.string(),
    points: z.array(ForecastPoint),
    history: z.object({ start: z.string(), values: z.array(z.number()) }),
    metrics: ForecastMetrics,
    available: z.number().int().nullable(),
    inbound: z.number().int().nullable(),
    stockoutDate: z.string().nullable().openapi({ description: 'First day forecast demand exceeds available + inbound; null when stock lasts the horizon' }),
    expectedShortUnits: z.number(),
    forecastTotal: z.number().openapi({ description: 'Units forecast over the horizon' }),
    previous: z
      .object({
        runId: z.string(),
        runNumber: z.number().int(),
        asOfDate: z.string(),
        model: z.string(),
        mase: z.number().nullable(),
        baselineMase: z.number().nullable(),
        forecastTotal: z.number(),
      })
      .nullable()
      .openapi({ description: 'The same series in the succeeded run before this one (null when it had none, or its series are no longer kept): to compare model, backtest accuracy and forecast' }),
  })
  .openapi('ForecastSeries');

export const ForecastSeriesPage = z
  .object({ run: ForecastRun.nullable(), items: z.array(ForecastSeriesItem), nextCursor: z.string().nullable() })
  .openapi('ForecastSeriesPage');

export const ForecastQuery = z.strictObject({
  sku: z.string().trim().min(1).max(64).optional(),
  locationId: z.union([z.uuid(), z.literal('network')]).optional().openapi({ description: 'A location id, or `network` for network-wide series' }),
  runId: z.uuid().optional().openapi({ description: 'A given run instead of the latest successful one' }),
  sort: z.enum(['risk', 'sku', 'accuracy']).default('risk').openapi({ description: 'risk: soonest stock-out and most units short first; accuracy: worst MASE first' }),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type ForecastQuery = z.infer<typeof ForecastQuery>;
