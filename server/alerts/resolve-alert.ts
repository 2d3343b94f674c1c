import { alertHistory } from '#db/schema/alerts.ts';
import type { Actor } from '#server/auth/actor.ts';
import { assertAlertTransition } from './alert-state.ts';
import { alertView, type AlertView } from './alert-view.ts';
import type { ResolveAlertInput } from './alerts.schemas.ts';
import { lockAlert, type AlertCommandContext } from './acknowledge-alert.ts';
import { resolveRow } from './record-findings.ts';

/**
 * A person closes an alert (open or acknowledged) with a reason. Should the condition still
 * hold, the engine reopens the same alert at its next round (history `reopened`).
 */
export async function resolveAlert(ctx: AlertCommandContext, actor: Actor | null, id: string, input: ResolveAlertInput): Promise<AlertView> {
  const now = ctx.clock.now();
  const actorId = actor?.id ?? 'anonymous';
  const view = await ctx.db.transaction(async (tx) => {
    const current = await lockAlert(tx, actor, id);
    assertAlertTransition(current.state, 'resolved');
    const row = await resolveRow(tx, current, { now, by: actorId, reason: input.reason });
    await tx.insert(alertHistory).values({ alertId: id, at: now, kind: 'resolved', actor: actorId, data: { reason: input.reason, by: actor?.label ?? null } });
    return alertView(row);
  });
  ctx.metrics?.timeToResolve.observe({ rule: view.rule, by: 'user' }, Math.max(0, (now.getTime() - Date.parse(view.openedAt)) / 1000));
  ctx.publish(view, 'resolved');
  return view;
}
