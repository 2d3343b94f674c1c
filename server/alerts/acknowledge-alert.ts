import { and, eq } from 'drizzle-orm';
import type { Database, Executor } from '#db/client.ts';
import { alertHistory, alerts } from '#db/schema/alerts.ts';
import { users } from '#db/schema/identity.ts';
import type { Actor } from '#server/auth/actor.ts';
import type { Clock } from '#server/core/clock.ts';
import { InvalidTransitionError, NotFoundError, ValidationError } from '#server/core/errors.ts';
import type { AlertMetrics } from './alert-metrics.ts';
import type { AlertPublisher } from './alert-publisher.ts';
import { mayActOnAlert } from './alert-scope.ts';
import { assertAlertTransition } from './alert-state.ts';
import { alertView, type AlertRow, type AlertView } from './alert-view.ts';
import type { AcknowledgeAlertInput } from './alerts.schemas.ts';

export interface AlertCommandContext {
  db: Database;
  clock: Clock;
  publish: AlertPublisher;
  metrics: AlertMetrics | null;
}

/** The alert, locked; 404 when it does not exist or is not the actor's to see. */
export async function lockAlert(tx: Executor, actor: Actor | null, id: string): Promise<AlertRow> {
  const [row] = await tx.select().from(alerts).where(eq(alerts.id, id)).for('update');
  if (!row || !mayActOnAlert(actor, row)) throw new NotFoundError('Alert');
  return row;
}

/**
 * open → acknowledged, with an assignee (the acknowledging user unless another is named); on an
 * acknowledged alert, a different assignee reassigns it. Anything else is a 409.
 */
export async function acknowledgeAlert(ctx: AlertCommandContext, actor: Actor | null, id: string, input: AcknowledgeAlertInput): Promise<AlertView> {
  const now = ctx.clock.now();
  const actorId = actor?.id ?? 'anonymous';
  const { view, first } = await ctx.db.transaction(async (tx) => {
    const current = await lockAlert(tx, actor, id);
    assertAlertTransition(current.state, 'acknowledged');
    const assignee = input.assignee !== undefined ? input.assignee : current.state === 'open' && actor?.kind === 'user' ? actor.id : current.assignee;
    if (assignee) {
      const [user] = await tx.select({ id: users.id }).from(users).where(and(eq(users.id, assignee), eq(users.active, true)));
      if (!user) throw ValidationError.field('assignee', 'no active user has this id');
    }
    if (current.state === 'acknowledged' && assignee === current.assignee) throw new InvalidTransitionError('acknowledged', 'acknowledged', 'alert');
    const first = current.acknowledgedAt === null;
    const [row] = await tx
      .update(alerts)
      .set({ state: 'acknowledged', assignee, acknowledgedAt: current.acknowledgedAt ?? now, acknowledgedBy: current.acknowledgedBy ?? actorId })
      .where(eq(alerts.id, id))
      .returning();
    await tx.insert(alertHistory).values(
      current.state === 'open'
        ? { alertId: id, at: now, kind: 'acknowledged', actor: actorId, data: { assignee, by: actor?.label ?? null } }
        : { alertId: id, at: now, kind: 'assigned', actor: actorId, data: { from: current.assignee, to: assignee, by: actor?.label ?? null } },
    );
    return { view: alertView(row!), first };
  });
  if (first) ctx.metrics?.timeToAcknowledge.observe({ rule: view.rule }, Math.max(0, (now.getTime() - Date.parse(view.openedAt)) / 1000));
  ctx.publish(view, 'acknowledged');
  return view;
}
