import { isUniqueViolation } from '#db/errors.ts';
import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { itemFieldErrors } from '#server/core/batch-item.ts';
import { DomainError, ForbiddenError, IdempotencyConflictError, ValidationError, type FieldError } from '#server/core/errors.ts';
import { requestHash } from '#server/core/request-hash.ts';
import type { ServiceContext } from '#server/context.ts';
import { activePackaging } from '#server/fulfillment/pack-shipment.ts';
import { orderContextOf, readOrderContexts, type RawOrderContext } from '#server/orders/order-context.ts';
import { PlaceOrderInput } from '#server/orders/order.schemas.ts';
import { issueStoreCredit } from '#server/store-credit/issue-store-credit.ts';
import { historyEvents } from './history-events.ts';
import { HistoryOrderItem, type ImportOrderHistoryItemResult } from './order-history.schemas.ts';
import { planHistoryOrder, type HistoryLocation, type HistoryReference, type PlannedHistoryOrder } from './plan-history-order.ts';
import { drawReturnNumbers, writeOrderHistory, type HistoryOrderWrite } from './write-order-history.ts';

/** Order capture's scope: an order is placed or imported under one key, never both. */
const SCOPE = 'orders';

export interface ImportScope {
  mayUseChannel: (channel: string) => boolean;
}

type Outcome = ImportOrderHistoryItemResult | { index: number; idempotencyKey: string | null; error: Error };

interface Parsed {
  index: number;
  item: HistoryOrderItem;
  input: PlaceOrderInput;
  hash: string;
}

/**
 * Imports closed orders — cancelled, or shipped (and maybe delivered and returned) — each with
 * its own idempotency key, as they happened: priced as of their moment, packed and costed by
 * Tower's rules, their whole timeline written at once. History moves no stock: the units left
 * long ago, and today's levels are counted, not replayed. Each order succeeds or fails on its
 * own; the ones that pass go in one statement (a failed statement is tried again order by
 * order, so no order fails for another's sake). Sending an import again imports nothing twice.
 */
export async function importOrderHistory(ctx: ServiceContext, items: readonly Record<string, unknown>[], scope: ImportScope): Promise<Outcome[]> {
  const outcomes = new Array<Outcome>(items.length);
  const parsed: Parsed[] = [];
  items.forEach((raw, index) => {
    const key = typeof raw['idempotencyKey'] === 'string' ? raw['idempotencyKey'] : null;
    try {
      parsed.push(parseItem(raw, index, scope));
    } catch (error) {
      outcomes[index] = { index, idempotencyKey: key, error: error as Error };
    }
  });
  if (parsed.length === 0) return outcomes;

  const raws = await readOrderContexts(
    ctx.db,
    parsed.map((p) => ({ input: p.input, at: new Date(p.item.placedAt), idempotency: { scope: SCOPE, key: p.item.idempotencyKey }, withStock: false })),
  );
  const reference = await historyReference(ctx);
  const planned: Parsed[] = [];
  const plans = new Map<number, PlannedHistoryOrder>();
  const repeats: { parsed: Parsed; orderId: string }[] = [];
  parsed.forEach((p, i) => {
    try {
      const prior = priorOrderOf(p, raws[i]!);
      if (prior) {
        repeats.push({ parsed: p, orderId: prior });
      } else {
        const context = withPaths('order', () => orderContextOf(p.input, raws[i]!));
        plans.set(p.index, planHistoryOrder(p.item, p.input, context, reference));
        planned.push(p);
      }
    } catch (error) {
      outcomes[p.index] = { index: p.index, idempotencyKey: p.item.idempotencyKey, error: error as Error };
    }
  });

  const written = await writeAll(ctx, planned.map((p) => ({ parsed: p, plan: plans.get(p.index)! })));
  for (const w of written) {
    if ('error' in w) outcomes[w.parsed.index] = { index: w.parsed.index, idempotencyKey: w.parsed.item.idempotencyKey, error: w.error };
    else if (w.written) outcomes[w.parsed.index] = createdResult(w.parsed, w.plan, w.written);
    else {
      // A concurrent import of the same key (or an earlier item of this one) won its claim: answered as that order.
      try {
        repeats.push({ parsed: w.parsed, orderId: await claimedOrder(ctx.db, w.parsed) });
      } catch (error) {
        outcomes[w.parsed.index] = { index: w.parsed.index, idempotencyKey: w.parsed.item.idempotencyKey, error: error as Error };
      }
    }
  }
  const existing = await importedOrders(ctx.db, repeats.map((r) => r.orderId));
  for (const r of repeats) {
    const order = existing.get(r.orderId);
    outcomes[r.parsed.index] = order
      ? { index: r.parsed.index, idempotencyKey: r.parsed.item.idempotencyKey, status: 200, ...order }
      : { index: r.parsed.index, idempotencyKey: r.parsed.item.idempotencyKey, error: new Error(`order ${r.orderId} vanished`) };
  }
  return outcomes;
}

function parseItem(raw: Record<string, unknown>, index: number, scope: ImportScope): Parsed {
  const envelope = HistoryOrderItem.safeParse(raw);
  const order = PlaceOrderInput.safeParse(envelope.success ? envelope.data.order : raw['order']);
  const errors: FieldError[] = [
    ...(envelope.success ? [] : itemFieldErrors(envelope.error, '(order)')),
    ...(order.success ? [] : itemFieldErrors(order.error, 'order').map((e) => ({ ...e, path: e.path === 'order' ? e.path : `order.${e.path}` }))),
  ];
  if (errors.length > 0 || !envelope.success || !order.success) throw new ValidationError(errors);
  if (!scope.mayUseChannel(order.data.channel)) {
    throw new ForbiddenError(`This API token may not create orders on the ${order.data.channel} channel`, [{ path: 'order.channel', message: 'is not one of the channels of this API token' }]);
  }
  return { index, item: envelope.data, input: order.data, hash: requestHash({ history: envelope.data }) };
}

/** The order an earlier request already made under this key or this channel + externalRef (same history), else null. */
function priorOrderOf(p: Parsed, raw: RawOrderContext): string | null {
  const prior = raw.priorRequest ?? (raw.priorOrder ? { requestHash: raw.priorOrder.requestHash, orderId: raw.priorOrder.id } : null);
  if (!prior) return null;
  if (prior.requestHash !== p.hash) {
    throw new IdempotencyConflictError(
      raw.priorRequest ? 'This idempotencyKey was already used with a different order or history' : `externalRef ${p.input.externalRef} already belongs to a different order on this channel`,
    );
  }
  return prior.orderId;
}

/** Runs `fn`, placing the field paths of a ValidationError it throws under `prefix`. */
function withPaths<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(error.errors.map((e) => ({ ...e, path: `${prefix}.${e.path}` })));
    throw error;
  }
}

async function historyReference(ctx: ServiceContext): Promise<HistoryReference> {
  const locations = await ctx.db.execute<HistoryLocation & Record<string, unknown>>(sql`
    select id, kind, lat, lon, pick_cost_cents as "pickCostCents", pack_cost_cents as "packCostCents" from locations`);
  return {
    locations: new Map(locations.rows.map((l) => [l.id, l])),
    packagings: await activePackaging(ctx.db),
    policy: ctx.sourcingPolicy,
    provider: ctx.payments.name,
    now: ctx.clock.now(),
  };
}

type Written = { parsed: Parsed; plan: PlannedHistoryOrder } & ({ written: WrittenOrder | null } | { error: Error });
type WrittenOrder = { number: string; rmaNumber: string | null };

/** All in one statement; if that fails, each alone, so one order's clash fails only that order. */
async function writeAll(ctx: ServiceContext, orders: { parsed: Parsed; plan: PlannedHistoryOrder }[]): Promise<Written[]> {
  if (orders.length === 0) return [];
  try {
    const numbers = await writeTogether(ctx, orders);
    return orders.map((o) => ({ ...o, written: numbers.get(o.plan.orderId) ?? null }));
  } catch (error) {
    if (orders.length === 1) {
      const only = orders[0]!;
      if (isUniqueViolation(error, 'orders_external_ref_channel_key')) {
        return [{ ...only, error: new IdempotencyConflictError(`externalRef ${only.parsed.input.externalRef} already belongs to a different order on this channel`) }];
      }
      if (!(error instanceof DomainError)) ctx.logger.error({ err: error, idempotencyKey: only.parsed.item.idempotencyKey }, 'could not import an order');
      return [{ ...only, error: error as Error }];
    }
    const alone: Written[] = [];
    for (const o of orders) alone.push(...(await writeAll(ctx, [o])));
    return alone;
  }
}

async function writeTogether(ctx: ServiceContext, orders: { parsed: Parsed; plan: PlannedHistoryOrder }[]): Promise<Map<string, WrittenOrder>> {
  return ctx.db.transaction(async (tx) => {
    // Imported history is sent again after a crash (its keys make that harmless): no need to wait for the flush.
    await tx.execute(sql`set local synchronous_commit = off`);
    const numbers = await drawReturnNumbers(tx, orders.filter((o) => o.plan.return).length);
    let next = 0;
    const writes: HistoryOrderWrite[] = orders.map(({ parsed, plan }) => {
      const rmaNumber = plan.return ? numbers[next++]! : null;
      return { plan, claim: { scope: SCOPE, key: parsed.item.idempotencyKey }, requestHash: parsed.hash, rmaNumber, events: historyEvents(plan, rmaNumber) };
    });
    const written = await writeOrderHistory(tx, writes);
    const answers = new Map<string, WrittenOrder>();
    for (const w of writes) {
      const order = written.get(w.plan.orderId);
      if (order) answers.set(w.plan.orderId, { number: order.number, rmaNumber: w.rmaNumber });
    }
    for (const { plan } of orders) {
      const r = plan.return;
      const order = written.get(plan.orderId);
      if (!order || !r || r.storeCreditCents <= 0) continue;
      await issueStoreCredit(tx, {
        customerId: order.customerId,
        amountCents: r.storeCreditCents,
        currency: plan.input.currency,
        orderId: plan.orderId,
        returnId: r.id,
        occurredAt: r.resolvedAt!,
        note: 'imported return',
      });
    }
    return answers;
  });
}

async function claimedOrder(db: Executor, p: Parsed): Promise<string> {
  const result = await db.execute<{ request_hash: string; order_id: string }>(sql`
    select request_hash, result ->> 'orderId' as order_id from idempotency_keys where scope = ${SCOPE} and key = ${p.item.idempotencyKey}`);
  const claim = result.rows[0];
  if (!claim) throw new Error('idempotency key vanished after its claim was refused');
  if (claim.request_hash !== p.hash) throw new IdempotencyConflictError('This idempotencyKey was already used with a different order or history');
  return claim.order_id;
}

function createdResult(p: Parsed, plan: PlannedHistoryOrder, { number, rmaNumber }: WrittenOrder): ImportOrderHistoryItemResult {
  const r = plan.return;
  return {
    index: p.index,
    idempotencyKey: p.item.idempotencyKey,
    status: 201,
    orderId: plan.orderId,
    number,
    orderStatus: plan.status,
    shipments: plan.shipments.map((s) => ({
      id: s.shipment.id,
      number: s.shipment.number,
      locationId: s.shipment.locationId,
      carrier: s.shipment.carrier,
      service: s.shipment.service,
      status: s.status,
      packages: s.packages.map((pk) => ({ id: pk.id, number: pk.row.number, trackingNumber: pk.row.trackingNumber, status: pk.status })),
    })),
    ...(r && rmaNumber ? { return: { id: r.id, number: rmaNumber, status: r.status, lines: r.lines.map((l) => ({ id: l.id, sku: l.sku, quantity: l.quantity, reason: l.reason })) } } : {}),
  };
}

/** Orders imported before, as an import answers them: so a driver sent back to its start picks up where it was. */
async function importedOrders(db: Executor, orderIds: readonly string[]): Promise<Map<string, Omit<ImportOrderHistoryItemResult, 'index' | 'idempotencyKey' | 'status'>>> {
  if (orderIds.length === 0) return new Map();
  const result = await db.execute<{ id: string; number: string; status: string; shipments: ImportOrderHistoryItemResult['shipments'] }>(sql`
    select o.id, o.number, o.status,
      coalesce((select json_agg(json_build_object('id', s.id, 'number', s.number, 'locationId', s.location_id, 'carrier', s.carrier,
          'service', s.service, 'status', s.status,
          'packages', (select coalesce(json_agg(json_build_object('id', p.id, 'number', p.number, 'trackingNumber', p.tracking_number, 'status', p.status) order by p.number), '[]'::json)
                       from packages p where p.shipment_id = s.id)) order by s.number)
        from shipments s where s.order_id = o.id), '[]'::json) as shipments
    from orders o where o.id = any(${sql.param([...orderIds])}::uuid[])`);
  return new Map(result.rows.map((r) => [r.id, { orderId: r.id, number: r.number, orderStatus: r.status, shipments: r.shipments }]));
}
