import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { alertDeliveries, type alertDeliveryChannels } from '#db/schema/alerts.ts';
import type { AlertView } from './alert-view.ts';
import type { AlertChange } from './alerts.schemas.ts';

export type AlertDeliveryChannel = (typeof alertDeliveryChannels)[number];

/** The changes of a critical alert worth waking someone for: it opened, came back, or became critical. */
const DELIVERED_CHANGES: ReadonlySet<AlertChange> = new Set(['opened', 'reopened', 'escalated']);

/**
 * Queues email and webhook deliveries of the critical alerts that opened, reopened or escalated
 * this round, in the round's own transaction: they exist exactly when the change does, and the
 * sender (./alert-delivery-sender.ts) sends them after commit. One row per alert, channel and
 * occasion (`<change>@<time>`): a delivery is never queued twice for the same opening or escalation.
 */
export async function enqueueDeliveries(
  tx: Executor,
  channels: readonly AlertDeliveryChannel[],
  changed: readonly AlertView[],
  changeOf: ReadonlyMap<string, AlertChange>,
  now: Date,
): Promise<number> {
  if (channels.length === 0) return 0;
  const rows = changed.flatMap((alert) => {
    const change = changeOf.get(alert.id);
    if (!change || !DELIVERED_CHANGES.has(change) || alert.severity !== 'critical') return [];
    const occasion = `${change}@${(change === 'opened' ? new Date(alert.openedAt) : now).toISOString()}`;
    return channels.map((channel) => ({
      alertId: alert.id,
      channel,
      occasion,
      payload: { ...alert, change },
      // Database time: the sender compares with now() too, whatever clock the engine runs on.
      nextAttemptAt: sql`now()`,
    }));
  });
  if (rows.length === 0) return 0;
  const inserted = await tx.insert(alertDeliveries).values(rows).onConflictDoNothing().returning({ id: alertDeliveries.id });
  return inserted.length;
}
