import type { ZodType } from 'zod';
import type { Executor } from '#db/client.ts';
import { insertAuditEntries } from '#server/audit/insert-audit-entries.ts';
import type { AuditEntry } from '#server/audit/audit-writer.ts';
import type { Actor } from '#server/auth/actor.ts';
import { runAsOf } from '#server/core/as-of.ts';
import { auditOutcome, itemFieldErrors, itemMoment, type BatchItemScope } from '#server/core/batch-item.ts';
import { DomainError, NotFoundError, ValidationError, type FieldError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { claimIdempotencyKeys, settleIdempotencyKeys } from '#server/idempotency/run-idempotent.ts';
import { lockStockLevels } from '#server/inventory/lock-stock-levels.ts';
import type { LockedOrder } from '#server/orders/lock-order.ts';
import { allocateBackordersOf } from '#server/orders/allocate-backorders.ts';
import { appendEvents, type NewEvent } from '#server/outbox/append-events.ts';
import { ReturnBatchEnvelope, type ReturnBatchStep } from './return-batch.schemas.ts';
import { orderFacts, orderFactsOf } from './return-events.ts';
import { findReturnsById } from './return-queries.ts';
import type { PreparedStep, ReturnWork, StepDone } from './return-step.ts';
import type { Return } from './returns.schemas.ts';

/**
 * One step of the RMA lifecycle as a batch can run it: the single command's body, what its
 * items are addressed by, its idempotency, and the same prepare/write the single command runs.
 * `T` is what the batch locks for an item: the order (request) or the RMA with its order.
 */
export interface ReturnBatchCommand<B, T> {
  step: ReturnBatchStep;
  /** The single command's body (for request it names the order). */
  body: ZodType<B>;
  /** The order (request) or RMA the item acts on, from its envelope's `returnId` or its body. */
  target(body: B, returnId: string | undefined): string | undefined;
  /** The single command's idempotency scope, request hash and remembered result. */
  idempotency: { scope: string; hash(target: string, body: B): string; remember(done: StepDone): unknown } | null;
  /**
   * Whether an item's checks never read what another item of the batch writes (each RMA at most
   * once): then every item is prepared before any is written, and the stock they move is locked
   * in between. Requests are not: a second RMA of one order counts the units the first took.
   */
  independent: boolean;
  /** 201 for a new RMA, else 200. */
  status: 200 | 201;
  /** Items the batch leaves to the single command (an exchange places an order of its own). */
  together(body: B): boolean;
  lock(tx: Executor, targets: string[]): Promise<Map<string, T>>;
  orderOf(target: T): LockedOrder;
  prepare(work: ReturnWork, target: T, body: B, actor: Actor | null): Promise<PreparedStep>;
  single(ctx: ServiceContext, actor: Actor | null, target: string, body: B, idempotencyKey: string | undefined): Promise<Return>;
}

export type ReturnBatchOutcome = { index: number; returnId: string | null } & ({ rma: Return; status: number } | { error: Error });


interface Parsed<B> {
  index: number;
  target: string;
  key: string | undefined;
  asOf: Date | undefined;
  body: B;
}

/**
 * Runs one step over a batch of RMAs, each item on its own: the same checks, writes, events,
 * idempotency and audit entry as the single command, and a refused item writes nothing and never
 * blocks another. The items go through one transaction: their orders and RMAs locked together
 * (orders first, in id order), each item prepared (a refusal is answered and the batch goes on)
 * and written in request order (for steps whose items are independent, all prepared first and
 * the stock they restock locked in the stock commands' order before any is written), everyone's
 * events in one statement. Items the transaction cannot take (a key already used, an RMA named
 * twice, an exchange) and all of them should it fail run as the single command, one by one,
 * afterwards.
 */
export async function runReturnBatch<B, T>(
  ctx: ServiceContext,
  actor: Actor | null,
  command: ReturnBatchCommand<B, T>,
  raw: readonly Record<string, unknown>[],
  scope: BatchItemScope,
): Promise<ReturnBatchOutcome[]> {
  const requestMoment = ctx.clock.now();
  const outcomes = new Array<ReturnBatchOutcome>(raw.length);
  const parsed: Parsed<B>[] = [];
  raw.forEach((item, index) => {
    try {
      parsed.push(parseItem(command, item, index, scope));
    } catch (error) {
      outcomes[index] = { index, returnId: typeof item['returnId'] === 'string' ? item['returnId'] : null, error: error as Error };
    }
  });

  // An RMA named twice: its first item may go together, the others after it, one by one.
  const seen = new Set<string>();
  const candidates = parsed.filter((p) => command.together(p.body) && (command.step === 'request' || (!seen.has(p.target) && seen.add(p.target))));
  const done = new Map<number, StepDone>();
  const refused = new Map<number, Error>();
  if (candidates.length > 0) {
    try {
      await ctx.db.transaction((tx) => applyTogether(ctx, tx, actor, command, candidates, requestMoment, scope, done, refused));
    } catch (error) {
      ctx.logger.warn({ err: error, step: command.step, items: candidates.length }, 'a batch of return steps failed; its items go one by one');
      done.clear();
      refused.clear();
    }
  }
  // Like any stock that arrives, restocked units may complete waiting orders.
  const restocked = [...new Set([...done.values()].flatMap((d) => d.restocked))];
  if (restocked.length > 0) await allocateBackordersOf(ctx, restocked);

  const rmas = await findReturnsById(ctx.db, [...done.values()].map((d) => d.returnId));
  for (const [index, d] of done) outcomes[index] = { index, returnId: d.returnId, rma: rmas.get(d.returnId)!, status: command.status };
  for (const [index, error] of refused) outcomes[index] = { index, returnId: returnIdOf(command, parsed.find((p) => p.index === index)!), error };

  const audits: AuditEntry[] = [];
  for (const p of parsed) {
    if (done.has(p.index) || refused.has(p.index)) continue;
    const run = () => command.single(ctx, actor, p.target, p.body, p.key);
    try {
      const rma = p.asOf ? await runAsOf(p.asOf, run) : await run();
      outcomes[p.index] = { index: p.index, returnId: rma.id, rma, status: command.status };
      audits.push(auditEntry(scope, p.index, p.asOf, rma.id, command.status));
    } catch (error) {
      if (!(error instanceof DomainError)) ctx.logger.error({ err: error, step: command.step, target: p.target }, 'could not apply a return step of a batch');
      const failure = error instanceof Error ? error : new Error(String(error));
      outcomes[p.index] = { index: p.index, returnId: returnIdOf(command, p), error: failure };
      audits.push(auditEntry(scope, p.index, p.asOf, returnIdOf(command, p), scope.statusOf(failure)));
    }
  }
  const wellFormed = new Set(parsed.map((p) => p.index));
  for (const o of outcomes) {
    if ('error' in o && !wellFormed.has(o.index)) audits.push(auditEntry(scope, o.index, undefined, o.returnId, scope.statusOf(o.error)));
  }
  if (audits.length > 0) {
    await insertAuditEntries(ctx.db, audits).catch((error: unknown) => ctx.logger.error({ err: error, lost: audits.length }, 'could not write audit entries of a return batch'));
  }
  return outcomes;
}

/** The transaction of a batch: fills `done` and `refused`; anything thrown rolls all of it back. */
async function applyTogether<B, T>(
  ctx: ServiceContext,
  tx: Executor,
  actor: Actor | null,
  command: ReturnBatchCommand<B, T>,
  candidates: Parsed<B>[],
  requestMoment: Date,
  scope: BatchItemScope,
  done: Map<number, StepDone>,
  refused: Map<number, Error>,
): Promise<void> {
  const idempotency = command.idempotency;
  const keyed = candidates.filter((c) => c.key !== undefined);
  // In key order, as two batches with keys in common must claim them.
  const claims = idempotency ? keyed.map((c) => ({ key: c.key!, requestHash: idempotency.hash(c.target, c.body) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) : [];
  const claimed = idempotency ? await claimIdempotencyKeys(tx, idempotency.scope, claims) : new Set<string>();
  // Two items with one key: the first claims it, the other replays it afterwards.
  const taken = new Set<string>();
  const items = candidates.filter((c) => c.key === undefined || (claimed.has(c.key) && !taken.has(c.key) && taken.add(c.key)));
  if (items.length === 0) return;

  const locked = await command.lock(tx, items.map((i) => i.target));
  const facts = await orderFactsOf(tx, [...locked.values()].map((t) => command.orderOf(t).id));
  const prepare = async (item: Parsed<B>): Promise<PreparedStep | null> => {
    const work: ReturnWork = { ctx, tx, occurredAt: item.asOf ?? requestMoment, facts: async (orderId) => facts.get(orderId) ?? orderFacts(tx, orderId) };
    try {
      const target = locked.get(item.target);
      if (!target) throw new NotFoundError(command.step === 'request' ? `Order ${item.target}` : `Return ${item.target}`);
      return await command.prepare(work, target, item.body, actor);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      refused.set(item.index, error);
      return null;
    }
  };
  const events: NewEvent[] = [];
  const write = async (item: Parsed<B>, prepared: PreparedStep | null) => {
    if (!prepared) return;
    const result = await prepared();
    done.set(item.index, result);
    events.push(...result.events);
  };
  if (command.independent) {
    const prepared: (PreparedStep | null)[] = [];
    for (const item of items) prepared.push(await prepare(item));
    await lockStockLevels(tx, prepared.flatMap((p) => p?.stock ?? []));
    for (const [k, item] of items.entries()) await write(item, prepared[k]!);
  } else {
    for (const item of items) await write(item, await prepare(item));
  }
  await appendEvents(tx, events);
  if (idempotency) {
    const results = items.filter((i) => i.key !== undefined && done.has(i.index)).map((i) => ({ key: i.key!, result: idempotency.remember(done.get(i.index)!) }));
    await settleIdempotencyKeys(tx, idempotency.scope, results, items.filter((i) => i.key !== undefined && refused.has(i.index)).map((i) => i.key!));
  }
  const entries = items.flatMap((i) => {
    const result = done.get(i.index);
    if (result) return [auditEntry(scope, i.index, i.asOf, result.returnId, command.status)];
    const error = refused.get(i.index);
    return error ? [auditEntry(scope, i.index, i.asOf, returnIdOf(command, i), scope.statusOf(error))] : [];
  });
  await insertAuditEntries(tx, entries);
}

function returnIdOf<B>(command: ReturnBatchCommand<B, unknown>, item: Parsed<B>): string | null {
  return command.step === 'request' ? null : item.target;
}

function parseItem<B, T>(command: ReturnBatchCommand<B, T>, item: Record<string, unknown>, index: number, scope: BatchItemScope): Parsed<B> {
  const { returnId, idempotencyKey, asOf, ...rest } = item;
  const envelope = ReturnBatchEnvelope.safeParse({ returnId, idempotencyKey, asOf });
  const body = command.body.safeParse(command.step === 'request' ? rest : stripUndefined(rest));
  const errors: FieldError[] = [...(envelope.success ? [] : itemFieldErrors(envelope.error, '(return)')), ...(body.success ? [] : itemFieldErrors(body.error, '(return)'))];
  if (command.step === 'request' && returnId !== undefined) errors.push({ path: 'returnId', message: 'is not a field of a request: it names its order' });
  if (!command.idempotency && idempotencyKey !== undefined) errors.push({ path: 'idempotencyKey', message: `${command.step} takes none: doing it twice is refused (409)` });
  if (errors.length > 0 || !envelope.success || !body.success) throw new ValidationError(errors);
  const target = command.target(body.data, envelope.data.returnId);
  if (target === undefined) throw ValidationError.field('returnId', 'is required');
  return { index, target, key: envelope.data.idempotencyKey, asOf: itemMoment(envelope.data.asOf, scope.mayDate), body: body.data };
}

function stripUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

function auditEntry(scope: BatchItemScope, index: number, asOf: Date | undefined, returnId: string | null, status: number): AuditEntry {
  const base = scope.audit(index, asOf);
  return { ...base, targetType: 'returns', targetId: returnId, status, outcome: auditOutcome(status) };
}
