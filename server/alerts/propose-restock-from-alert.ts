import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { restockProposals } from '#db/schema/replenishment.ts';
import { ConflictError, ValidationError } from '#server/core/errors.ts';
import { preferredSuppliers } from '#server/purchasing/index.ts';
import { laneTerms } from '#server/purchasing/transfer-lanes.ts';
import { proposalView, type ProposalView } from '#server/replenishment/proposal-queries.ts';
import type { AlertRow } from './alert-view.ts';

export interface ProposeFromAlertInput {
  sku: string;
  locationId: string;
  kind: 'purchase' | 'transfer';
  fromLocationId?: string | undefined;
  /** Units; by default the shortfall the alert measured for the SKU. */
  quantity?: number | undefined;
  note?: string | undefined;
  actorLabel: string | null;
}

/** Fields rules use for "units short" (`measured.skus[sku]` first, then `measured` itself). */
const SHORTFALL_FIELDS = ['shortUnits', 'shortfall', 'suggestedQuantity', 'unitsShort'];

function numbersOf(alert: Pick<AlertRow, 'measured'>, sku: string): Record<string, unknown> {
  const measured = (alert.measured ?? {}) as Record<string, unknown>;
  const perSku = (measured['skus'] as Record<string, unknown> | undefined)?.[sku];
  return { ...measured, ...(perSku && typeof perSku === 'object' ? (perSku as Record<string, unknown>) : {}) };
}

/** What the alert measured that a planner reads on a proposal: its numeric figures (available, inbound, demand, …). */
function positionOf(numbers: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(Object.entries(numbers).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1])).map(([k, v]) => [k, Math.round(v * 100) / 100]));
}

/**
 * A restock proposal for one SKU at the alert's location, for the planner's queue (approved or
 * rejected there like the forecast's own). The quantity is the one asked for, else the shortfall
 * the alert measured; a purchase goes to the SKU's preferred supplier, a transfer along the lane.
 * A SKU with an open (proposed) proposal at that location already is a 409: decide that one.
 */
export async function proposeRestockFromAlert(tx: Executor, alert: AlertRow, input: ProposeFromAlertInput, now: Date): Promise<ProposalView> {
  const numbers = numbersOf(alert, input.sku);
  const measuredShort = SHORTFALL_FIELDS.map((f) => numbers[f]).find((v): v is number => typeof v === 'number' && v > 0);
  const quantity = input.quantity ?? (measuredShort !== undefined ? Math.ceil(measuredShort) : undefined);
  if (quantity === undefined) throw ValidationError.field('quantity', 'the alert measured no shortfall for this SKU: say how many');

  const product = await tx.execute<{ currency: string }>(sql`select currency from products where sku = ${input.sku}`);
  if (!product.rows[0]) throw ValidationError.field('skus', `no product has SKU ${input.sku}`);
  const open = await tx.execute<{ id: string }>(sql`
    select id from restock_proposals where sku = ${input.sku} and location_id = ${input.locationId} and status = 'proposed' limit 1 for update`);
  if (open.rows[0]) throw new ConflictError(`SKU ${input.sku} already has an open restock proposal at this location`, [{ path: 'skus', message: `proposal ${open.rows[0].id} is still open` }]);

  let terms: { supplierId: string | null; fromLocationId: string | null; unitCostCents: number; leadTimeDays: number; currency: string };
  if (input.kind === 'purchase') {
    const supplier = (await preferredSuppliers(tx, [input.sku])).get(input.sku);
    if (!supplier) throw ValidationError.field('kind', `no active supplier sells SKU ${input.sku}: propose a transfer`);
    terms = { supplierId: supplier.supplierId, fromLocationId: null, unitCostCents: supplier.unitCostCents, leadTimeDays: supplier.leadTimeDays, currency: supplier.currency };
  } else {
    if (!input.fromLocationId) throw ValidationError.field('fromLocationId', 'a transfer needs its source location');
    if (input.fromLocationId === input.locationId) throw ValidationError.field('fromLocationId', 'must differ from the location the stock is wanted at');
    const source = await tx.execute<{ available: number }>(sql`
      select coalesce(sum(on_hand - reserved), 0)::int as available from inventory_levels where sku = ${input.sku} and location_id = ${input.fromLocationId}`);
    if ((source.rows[0]?.available ?? 0) < quantity) throw new ConflictError(`The source location has fewer than ${quantity} units of ${input.sku} available`, [{ path: 'fromLocationId', message: 'has not enough available stock' }]);
    const lane = await laneTerms(tx, input.fromLocationId, input.locationId);
    terms = { supplierId: null, fromLocationId: input.fromLocationId, unitCostCents: lane.costPerUnitCents, leadTimeDays: lane.leadTimeDays, currency: product.rows[0].currency };
  }
  const stockoutDate = typeof numbers['stockoutDate'] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(numbers['stockoutDate']) ? numbers['stockoutDate'] : null;
  const [row] = await tx
    .insert(restockProposals)
    .values({
      runId: null,
      alertId: alert.id,
      sku: input.sku,
      locationId: input.locationId,
      kind: input.kind,
      supplierId: terms.supplierId,
      fromLocationId: terms.fromLocationId,
      suggestedQuantity: quantity,
      quantity,
      unitCostCents: terms.unitCostCents,
      currency: terms.currency,
      leadTimeDays: terms.leadTimeDays,
      position: positionOf(numbers),
      stockoutDate,
      note: input.note ?? `From alert ${alert.title}${input.actorLabel ? `, by ${input.actorLabel}` : ''}`.slice(0, 500),
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return proposalView(row!);
}
