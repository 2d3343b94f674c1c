import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { batchItemScope, itemProblem } from '#server/http/batch-items.ts';
import { jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { createRouter, type AppEnv, type RouteDeps } from '#server/http/router.ts';
import { claimWave } from './claim-wave.ts';
import { findShipments } from './fulfillment-queries.ts';
import type { Shipment } from './fulfillment.schemas.ts';
import { FloorWaveInput, FloorWaveResult, MAX_WAVE_SHIPMENTS, type FloorStep, type FloorWaveItemResult } from './floor-wave.schemas.ts';
import { packWave } from './pack-wave.ts';
import { pickWave } from './pick-wave.ts';
import { runFloorWave, type FloorWaveStep, type WaveOutcome } from './run-floor-wave.ts';
import { pickedUpWave } from './picked-up-wave.ts';
import { readyForPickupWave, shipWave } from './ship-wave.ts';

const single: Record<FloorStep, string> = {
  claim: '`POST /api/fulfillment/pick-claims` with every line of the shipment (a signed-in person only)',
  pick: '`POST /api/fulfillment/shipments/{id}/pick` (item: `lines` for short picks)',
  pack: '`POST /api/fulfillment/shipments/{id}/pack` (item: `items`, the scans)',
  ship: '`POST /api/fulfillment/shipments/{id}/ship`',
  'ready-for-pickup': '`POST /api/fulfillment/shipments/{id}/ready-for-pickup`',
  'picked-up': '`POST /api/fulfillment/shipments/{id}/picked-up`',
};

function waveRoute(step: FloorStep) {
  return createRoute({
    method: 'post',
    path: `/api/fulfillment/waves/${step}`,
    'x-permission': 'fulfillment:work',
    tags: ['fulfillment'],
    summary: `The ${step} step of many shipments in one request, each on its own`,
    description: [
      `Up to ${MAX_WAVE_SHIPMENTS} shipments, each \`{"shipmentId", "asOf"?}\` plus the body of ${single[step]}.`,
      'Each item is checked and applied exactly as that single command would (same writes, events and audit entry, its own moment with',
      '`asOf`, which needs history:write like x-tower-as-of) and succeeds or fails on its own: a refused item writes nothing and never',
      'blocks the others. `results` answers every item in request order with the status the single command would have given and, for 200,',
      'the shipment’s status (the shipment itself with `withShipments`), else its problem, field paths starting `shipments.<index>.`.',
      'The plain items are applied together, in one transaction of a few set-based statements, which is what makes a wave cheap.',
    ].join(' '),
    request: { body: { content: { 'application/json': { schema: FloorWaveInput } }, required: true } },
    responses: { 200: jsonContent(FloorWaveResult, 'The outcome of every shipment, in request order'), ...problemResponses(413, 422) },
  });
}

export function floorWavesRoutes(deps: RouteDeps) {
  return createRouter()
    .openapi(waveRoute('claim'), async (c) => c.json(await runWave(deps, c, claimWave, c.req.valid('json')), 200))
    .openapi(waveRoute('pick'), async (c) => c.json(await runWave(deps, c, pickWave, c.req.valid('json')), 200))
    .openapi(waveRoute('pack'), async (c) => c.json(await runWave(deps, c, packWave, c.req.valid('json')), 200))
    .openapi(waveRoute('ship'), async (c) => c.json(await runWave(deps, c, shipWave, c.req.valid('json')), 200))
    .openapi(waveRoute('ready-for-pickup'), async (c) => c.json(await runWave(deps, c, readyForPickupWave, c.req.valid('json')), 200))
    .openapi(waveRoute('picked-up'), async (c) => c.json(await runWave(deps, c, pickedUpWave, c.req.valid('json')), 200));
}

async function runWave<B>(deps: RouteDeps, c: Context<AppEnv>, step: FloorWaveStep<B>, input: FloorWaveInput) {
  const outcomes = await runFloorWave(deps, c.var.actor, step, input.shipments, batchItemScope(c, { step: step.step }));
  const done = outcomes.flatMap((o) => ('shipmentStatus' in o ? [o.shipmentId!] : []));
  const shipments = input.withShipments ? new Map((await findShipments(deps.db, done)).map((s) => [s.id, s])) : null;
  const results = outcomes.map((o) => resultOf(o, shipments));
  const applied = results.filter((r) => r.status === 200).length;
  return { summary: { shipments: results.length, applied, failed: results.length - applied }, results };
}

function resultOf(outcome: WaveOutcome, shipments: Map<string, Shipment> | null): FloorWaveItemResult {
  const { index, shipmentId } = outcome;
  if ('shipmentStatus' in outcome) {
    const shipment = shipments?.get(shipmentId!);
    return { index, shipmentId, status: 200, shipmentStatus: shipment?.status ?? outcome.shipmentStatus, ...(shipment ? { shipment } : {}) };
  }
  const problem = itemProblem(outcome.error, 'shipments', index, 'shipmentId');
  return { index, shipmentId, status: problem.status, problem };
}
