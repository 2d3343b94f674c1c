import { sql } from 'drizzle-orm';
import type { Database, Executor } from '#db/client.ts';
import { alertHistory } from '#db/schema/alerts.ts';
import { can, mayUseLocation, type Actor } from '#server/auth/actor.ts';
import type { ServiceContext } from '#server/context.ts';
import { DomainError, ForbiddenError, InvalidTransitionError, ValidationError } from '#server/core/errors.ts';
import { rerouteOrder } from '#server/fulfillment/reroute-order.ts';
import { holdOrder, releaseOrder } from '#server/orders/hold-order.ts';
import { upgradeService } from '#server/orders/upgrade-service.ts';
import { lockAlert } from './acknowledge-alert.ts';
import { affectedList, alertActions, alertLocation, type AlertActionKind } from './alert-actions.ts';
import type { AlertPublisher } from './alert-publisher.ts';
import { presentAlert } from './alert-presenter.ts';
import { limitedLocations } from './alert-scope.ts';
import { alertView, type AlertRow } from './alert-view.ts';
import type { AlertActionInput } from './alerts.schemas.ts';
import { proposeRestockFromAlert } from './propose-restock-from-alert.ts';

export interface AlertActionContext extends ServiceContext {
  publish: AlertPublisher;
}

export interface SubjectOutcome {
  subject: string;
  orderNumber?: string | null;
  outcome: 'done' | 'refused';
  /** Why it was refused: `not_listed`, or the domain error's type (`invalid_transition`, `forbidden`, …). */
  reason?: string;
  detail?: string;
  result?: Record<string, unknown>;
}

/**
 * Applies one of an alert's remedies to some of what it lists, each subject through its domain
 * command (so the order's own events and checks happen), and records it on the alert as a history
 * entry of kind `action`: who, what, with which parameters, and each subject's outcome. All in one
 * transaction holding the alert's lock, each subject in a savepoint of its own: a refused subject
 * leaves nothing half-written and does not undo the others, and the entry exists exactly when
 * the changes do. Subjects the alert does not list are refused (`not_listed`) without being touched.
 */
export async function actOnAlert(ctx: AlertActionContext, actor: Actor | null, id: string, input: AlertActionInput) {
  const definition = alertActions[input.action];
  if (actor && !can(actor, definition.permission)) {
    throw new ForbiddenError(`${input.action} needs ${definition.permission}, which the roles ${actor.roles.join(', ')} do not have`, [{ path: 'action', message: 'is not yours to take' }]);
  }
  const now = ctx.clock.now();
  const actorId = actor?.id ?? 'anonymous';
  const subjects = input.action === 'propose_restock' ? input.skus : input.orderIds;

  const { row, outcomes, summary } = await ctx.db.transaction(async (tx) => {
    const alert = await lockAlert(tx, actor, id);
    if (alert.state === 'resolved' && input.action !== 'release_hold') throw new InvalidTransitionError('resolved', input.action, 'alert');
    const listed = new Set(affectedList(alert.affected, definition.subjects));
    const numbers = definition.subjects === 'orders' ? await orderNumbers(tx, subjects) : new Map<string, string>();
    const outcomes: SubjectOutcome[] = [];
    for (const subject of subjects) {
      const base = definition.subjects === 'orders' ? { subject, orderNumber: numbers.get(subject) ?? null } : { subject };
      if (!listed.has(subject)) {
        outcomes.push({ ...base, outcome: 'refused', reason: 'not_listed', detail: `is not one of the ${definition.subjects} this alert lists` });
        continue;
      }
      try {
        // A savepoint per subject: the command's own transaction nests in it.
        const result = await tx.transaction((sp) => applyTo({ ...ctx, db: sp as unknown as Database }, sp, actor, alert, input, subject, now));
        outcomes.push({ ...base, outcome: 'done', result });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        outcomes.push({ ...base, outcome: 'refused', reason: error.type, detail: refusalText(error) });
      }
    }
    const summary = await summarize(tx, input, outcomes);
    const { action, ...rest } = input;
    const params = Object.fromEntries(Object.entries(rest).filter(([key]) => key !== 'orderIds' && key !== 'skus'));
    await tx.insert(alertHistory).values({
      alertId: id,
      at: now,
      kind: 'action',
      actor: actorId,
      data: { action, by: actor?.label ?? null, summary, params, outcomes: outcomes.map(({ result: _result, ...o }) => o) },
    });
    return { row: alert, outcomes, summary };
  });
  const view = await presentAlert(ctx.db, alertView(row));
  ctx.publish(view, 'action');
  return {
    action: input.action,
    summary,
    done: outcomes.filter((o) => o.outcome === 'done').length,
    refused: outcomes.filter((o) => o.outcome === 'refused').length,
    outcomes,
    alert: view,
  };
}

/** One subject through its domain command, inside its savepoint. */
async function applyTo(
  ctx: ServiceContext,
  tx: Executor,
  actor: Actor | null,
  alert: AlertRow,
  input: AlertActionInput,
  subject: string,
  now: Date,
): Promise<Record<string, unknown>> {
  if (input.action === 'propose_restock') {
    const locationId = input.locationId ?? alertLocation(alert);
    if (!locationId) throw ValidationError.field('locationId', 'this alert names no location: say where the stock is wanted');
    if (!mayUseLocation(actor, locationId)) throw new ForbiddenError('You may only act on your own locations', [{ path: 'locationId', message: 'is not one of your locations' }]);
    const proposal = await proposeRestockFromAlert(tx, alert, { sku: subject, locationId, kind: input.kind, fromLocationId: input.fromLocationId, quantity: input.quantity, note: input.note, actorLabel: actor?.label ?? null }, now);
    return { proposalId: proposal.id, kind: proposal.kind, quantity: proposal.quantity, locationId: proposal.locationId, fromLocationId: proposal.fromLocationId, supplierId: proposal.supplierId };
  }
  await requireOrderAtActorsLocations(tx, actor, subject);
  switch (input.action) {
    case 'hold': {
      const order = await holdOrder(ctx, subject, { reason: input.reason ?? `alert: ${alert.title}`.slice(0, 500) });
      return { status: order.status };
    }
    case 'release_hold': {
      const order = await releaseOrder(ctx, subject);
      return { status: order.status };
    }
    case 'reroute': {
      const fromLocationId = input.fromLocationId ?? alertLocation(alert);
      if (!fromLocationId) throw ValidationError.field('fromLocationId', 'this alert names no location: say which location the units leave');
      const result = await rerouteOrder(ctx, actor, subject, { fromLocationId, ...(input.toLocationId ? { toLocationId: input.toLocationId } : {}) });
      return { moved: result.moved, backordered: result.backordered, promisedDate: result.promisedDate };
    }
    case 'upgrade_service': {
      const result = await upgradeService(ctx, actor, subject, { service: input.service });
      return { from: result.from, to: result.to, shipments: result.shipments };
    }
  }
}

/** Staff limited to locations act only on orders with units (allocated or shipping) at one of theirs. */
async function requireOrderAtActorsLocations(tx: Executor, actor: Actor | null, orderId: string): Promise<void> {
  const limited = limitedLocations(actor);
  if (limited === null) return;
  const found = await tx.execute<{ found: boolean }>(sql`
    select exists (select 1 from order_allocations where order_id = ${orderId} and location_id = any(${sql.param(limited)}::uuid[]))
        or exists (select 1 from shipments where order_id = ${orderId} and location_id = any(${sql.param(limited)}::uuid[])) as found`);
  if (!found.rows[0]?.found) throw new ForbiddenError('This order is not at one of your locations');
}

async function orderNumbers(tx: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  const result = await tx.execute<{ id: string; number: string }>(sql`select id, number from orders where id = any(${sql.param([...ids])}::uuid[])`);
  return new Map(result.rows.map((r) => [r.id, r.number]));
}

/** "already shipped" rather than the error's sentence, where the error says which status refused. */
function refusalText(error: DomainError): string {
  if (error instanceof InvalidTransitionError) {
    const from = String(error.details['from'] ?? '');
    if (error.details['to'] === 'released') return 'not on hold';
    return from === 'on_hold' ? 'already on hold' : `already ${from.replaceAll('_', ' ')}`;
  }
  const field = error.errors[0];
  return field ? `${field.path} ${field.message}` : error.message;
}

const NOUN: Record<AlertActionKind, [string, string]> = {
  hold: ['order', 'orders'],
  release_hold: ['order', 'orders'],
  reroute: ['order', 'orders'],
  upgrade_service: ['order', 'orders'],
  propose_restock: ['SKU', 'SKUs'],
};

/** "Rerouted 3 orders to DAL-WH; 1 refused: already shipped". */
async function summarize(tx: Executor, input: AlertActionInput, outcomes: readonly SubjectOutcome[]): Promise<string> {
  const done = outcomes.filter((o) => o.outcome === 'done').length;
  const [one, many] = NOUN[input.action];
  let text = `${alertActions[input.action].verb} ${done} ${done === 1 ? one : many}`;
  if (input.action === 'reroute' && input.toLocationId) text += ` to ${await locationCode(tx, input.toLocationId)}`;
  if (input.action === 'upgrade_service') text += ` to ${input.service}`;
  if (input.action === 'propose_restock') text += ` (${input.kind})`;
  const refused = outcomes.filter((o) => o.outcome === 'refused');
  if (refused.length > 0) {
    const reasons = [...new Set(refused.map((o) => (o.reason === 'not_listed' ? 'not on this alert' : (o.detail ?? o.reason ?? 'refused'))))];
    text += `; ${refused.length} refused: ${reasons.slice(0, 3).join(', ')}`;
  }
  return text;
}

async function locationCode(tx: Executor, id: string): Promise<string> {
  const result = await tx.execute<{ code: string }>(sql`select code from locations where id = ${id}`);
  return result.rows[0]?.code ?? id.slice(0, 8);
}
