import { z } from '@hono/zod-openapi';
import { BatchItemAsOf } from '#server/http/batch-items.ts';
import { ProblemSchema } from '#server/http/openapi-responses.ts';
import { Shipment } from './fulfillment.schemas.ts';

/** Most shipments one wave request carries: a location's window of work, a few set-based statements. */
export const MAX_WAVE_SHIPMENTS = 500;

export const floorSteps = ['claim', 'pick', 'pack', 'ship', 'ready-for-pickup', 'picked-up'] as const;
export type FloorStep = (typeof floorSteps)[number];

/** The envelope only: each item is checked on its own, so one bad item is refused alone. */
export const FloorWaveInput = z
  .strictObject({
    shipments: z
      .array(
        z.record(z.string(), z.unknown()).openapi({
          description:
            '`shipmentId`, optionally `asOf` (an ISO 8601 moment the step is dated to; needs history:write like x-tower-as-of), and the body ' +
            'the single command takes: nothing for claim, ship, ready-for-pickup and picked-up, `lines` (short picks) for pick, `items` (the scans) for pack.',
        }),
      )
      .min(1, 'a wave needs at least one shipment')
      .max(MAX_WAVE_SHIPMENTS, `a wave has at most ${MAX_WAVE_SHIPMENTS} shipments`),
    withShipments: z.boolean().default(false).openapi({ description: 'answer each applied item with its shipment (lines, packages and all)' }),
  })
  .openapi('FloorWaveInput');
export type FloorWaveInput = z.infer<typeof FloorWaveInput>;

/** The body of claim and ship items: nothing besides the envelope. */
export const EmptyWaveBody = z.strictObject({});
export type EmptyWaveBody = Record<string, never>;

/** What each item carries besides the single command's body. */
export const WaveItemEnvelope = z.object({
  shipmentId: z.uuid('must be an id'),
  asOf: BatchItemAsOf,
});

export const FloorWaveItemResult = z.object({
  index: z.number().int().openapi({ description: 'position of the shipment in the request' }),
  shipmentId: z.string().nullable(),
  status: z.number().int().openapi({ description: 'what the single command would have answered: 200, or 403 / 404 / 409 / 422 with `problem`' }),
  shipmentStatus: z.string().optional().openapi({ description: 'the shipment’s status after the step, for 200' }),
  shipment: Shipment.optional().openapi({ description: 'the shipment after the step, for 200 when asked with withShipments' }),
  problem: ProblemSchema.optional().openapi({ description: 'why it was refused; field paths start with `shipments.<index>.`' }),
});
export type FloorWaveItemResult = z.infer<typeof FloorWaveItemResult>;

export const FloorWaveResult = z
  .object({
    summary: z.object({ shipments: z.number().int(), applied: z.number().int(), failed: z.number().int() }),
    results: z.array(FloorWaveItemResult),
  })
  .openapi('FloorWaveResult');
export type FloorWaveResult = z.infer<typeof FloorWaveResult>;
