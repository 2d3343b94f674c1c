import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '#db/client.ts';
import type { MailTransport } from '#server/notifications/mail-transport.ts';
import { postAlertWebhook } from './alert-webhook.ts';
import type { AlertDeliveryChannel } from './enqueue-deliveries.ts';

/** Where critical alerts go (ALERT_EMAIL_TO, ALERT_WEBHOOK_URL + ALERT_WEBHOOK_SECRET); nothing by default. */
export interface AlertDeliveryTargets {
  emailTo: readonly string[];
  webhook: { url: string; secret: string } | null;
}

export function deliveryChannels(targets: AlertDeliveryTargets | null | undefined): AlertDeliveryChannel[] {
  if (!targets) return [];
  return [...(targets.emailTo.length > 0 ? (['email'] as const) : []), ...(targets.webhook ? (['webhook'] as const) : [])];
}

export interface AlertDeliverySenderOptions {
  maxAttempts: number;
  /** Due rows are looked for this often at most; the engine wakes the sender after queueing. */
  pollMs?: number;
  /** A claimed row is this sender's for so long (longer than a send can take). */
  leaseMs?: number;
  /** Delay after the first failure, doubled after each further one up to `retryMaxMs` (±20%). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  batchSize?: number;
  /** Links to the alert in emails. */
  publicUrl: string;
}

export interface AlertDeliverySender {
  wake(): void;
  /** Sends what is due now (tests); the loop does this on its own. */
  sendDue(): Promise<number>;
  stop(): Promise<void>;
}

interface Claimed extends Record<string, unknown> {
  id: string;
  alert_id: string;
  channel: AlertDeliveryChannel;
  occasion: string;
  payload: Record<string, unknown>;
  attempts: number;
}

/**
 * Sends queued critical-alert deliveries (email, signed webhook) outside the engine's round:
 * claims due rows (skip locked: several instances share the queue), sends, and records the
 * outcome; a failure is retried with exponential backoff up to `maxAttempts`, then marked failed.
 * At-least-once: a crash after sending and before recording sends again (same delivery id, in
 * the x-tower-delivery header and the email's Message-ID, for receivers that deduplicate).
 */
export function startAlertDeliverySender(
  deps: { db: Database; logger: Logger; transport: MailTransport | null; targets: AlertDeliveryTargets },
  options: AlertDeliverySenderOptions,
): AlertDeliverySender {
  const logger = deps.logger.child({ component: 'alert-delivery' });
  const pollMs = options.pollMs ?? 5_000;
  const leaseMs = options.leaseMs ?? 120_000;
  const retryBaseMs = options.retryBaseMs ?? 10_000;
  const retryMaxMs = options.retryMaxMs ?? 1_800_000;
  const batchSize = options.batchSize ?? 20;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let again = false;

  const retryDelay = (attempt: number) => Math.round(Math.min(retryMaxMs, retryBaseMs * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4));

  async function claim(): Promise<Claimed[]> {
    const result = await deps.db.execute<Claimed>(sql`
      update alert_deliveries set attempts = attempts + 1, next_attempt_at = now() + ${`${leaseMs} milliseconds`}::interval
      where id in (
        select id from alert_deliveries where status = 'pending' and next_attempt_at <= now()
        order by next_attempt_at, id limit ${batchSize} for update skip locked)
      returning id, alert_id, channel, occasion, payload, attempts`);
    return result.rows;
  }

  async function send(row: Claimed): Promise<void> {
    const alert = row.payload;
    const body = { type: 'alert', deliveryId: row.id, occasion: row.occasion, change: alert['change'], alert };
    if (row.channel === 'webhook') {
      if (!deps.targets.webhook) throw new Error('no webhook is configured (ALERT_WEBHOOK_URL)');
      await postAlertWebhook(deps.targets.webhook, row.id, body);
      return;
    }
    if (!deps.transport || deps.targets.emailTo.length === 0) throw new Error('no alert email recipients are configured (ALERT_EMAIL_TO)');
    await deps.transport.send({ notificationId: `alert-${row.id}`, to: deps.targets.emailTo.join(', '), ...renderAlertEmail(alert, options.publicUrl) });
  }

  async function deliver(row: Claimed): Promise<void> {
    try {
      await send(row);
      await deps.db.execute(sql`update alert_deliveries set status = 'sent', sent_at = now(), last_error = null where id = ${row.id}`);
      logger.info({ deliveryId: row.id, alertId: row.alert_id, channel: row.channel, attempt: row.attempts }, 'critical alert delivered');
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 1_000);
      const final = row.attempts >= options.maxAttempts;
      await deps.db.execute(
        final
          ? sql`update alert_deliveries set status = 'failed', last_error = ${message} where id = ${row.id}`
          : sql`update alert_deliveries set next_attempt_at = now() + ${`${retryDelay(row.attempts)} milliseconds`}::interval, last_error = ${message} where id = ${row.id}`,
      );
      const context = { deliveryId: row.id, alertId: row.alert_id, channel: row.channel, attempt: row.attempts, err: error };
      if (final) logger.error(context, 'critical alert delivery failed for good');
      else logger.warn(context, 'critical alert not delivered; retrying later');
    }
  }

  async function sendDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await claim();
      await Promise.all(rows.map((row) => deliver(row).catch((error: unknown) => logger.warn({ err: error, deliveryId: row.id }, 'could not record an alert delivery; its lease brings it back'))));
      total += rows.length;
      if (rows.length < batchSize || stopped) return total;
    }
  }

  function tick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = sendDue()
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'sending alert deliveries failed; retrying');
        return 0;
      })
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          tick();
        }
      });
  }

  timer = setInterval(tick, pollMs);
  timer.unref();
  tick();
  return {
    wake: tick,
    sendDue,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

/** Subject, text and HTML of a critical alert's email. */
export function renderAlertEmail(alert: Record<string, unknown>, publicUrl: string): { subject: string; text: string; html: string } {
  const str = (key: string) => (typeof alert[key] === 'string' ? (alert[key] as string) : '');
  const change = str('change') === 'escalated' ? 'escalated to critical' : str('change') === 'reopened' ? 'reopened' : 'opened';
  const link = `${publicUrl}/alerts/${str('id')}`;
  const subject = `[Tower] Critical alert ${change}: ${str('title')}`;
  const text = `${str('title')}\n\n${str('detail')}\n\nRule: ${str('rule')}\nSubject: ${str('subject')}\nOpened: ${str('openedAt')}\n\n${link}\n`;
  const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<h1>${escape(str('title'))}</h1><p>${escape(str('detail'))}</p><p>Rule <b>${escape(str('rule'))}</b>, ${escape(str('subject'))}, opened ${escape(str('openedAt'))}.</p><p><a href="${escape(link)}">Open the alert in Tower</a></p>`;
  return { subject, text, html };
}
