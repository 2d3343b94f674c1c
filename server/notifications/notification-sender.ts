import type pg from 'pg';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import type { Database } from '#db/client.ts';
import { claimNotifications, type ClaimedNotification } from './claim-notifications.ts';
import { loadNotifications } from './load-notifications.ts';
import type { MailTransport } from './mail-transport.ts';
import { renderNotification } from './notification-templates.ts';
import { markAttemptFailed, markSent } from './record-outcome.ts';

export interface NotificationSenderOptions {
  /** Links in emails: `publicUrl/track/<order number>`. */
  publicUrl: string;
  /** Attempts of one email before it is marked failed. */
  maxAttempts: number;
  /** Emails claimed (and sent concurrently) at a time. */
  batchSize?: number;
  /** Polling interval: due retries are found this late at most; new emails wake the sender at once. */
  pollMs?: number;
  /** How long a claimed email is this sender's; longer than any send can take (the transport times out first). */
  leaseMs?: number;
  /** Delay after the first failed attempt, doubled after each further one up to `retryMaxMs` (±20%). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long stop() waits for the emails being sent. */
  stopTimeoutMs?: number;
  /** Send only emails to addresses ending so: tests run several senders against one database. */
  recipientSuffix?: string;
}

export interface NotificationSender {
  /** Looks for due emails now. */
  wake(): void;
  /** Stops claiming, lets the emails being sent finish and be recorded, and lets go of its connection. */
  stop(): Promise<void>;
}

const NOTIFY_CHANNEL = 'notifications';

/**
 * Sends the customer emails that the outbox trigger queues. Delivery is at-least-once: an
 * email is marked sent after the server accepted it, so a crash in between sends it again
 * (with the same Message-ID). Several senders may run against one database.
 */
export function startNotificationSender(
  deps: { db: Database; pool: pg.Pool; logger: Logger; transport: MailTransport },
  options: NotificationSenderOptions,
): NotificationSender {
  const { db, pool, transport } = deps;
  const logger = deps.logger.child({ component: 'notifications' });
  const batchSize = options.batchSize ?? 20;
  const pollMs = options.pollMs ?? 5_000;
  const leaseMs = options.leaseMs ?? 300_000;
  const retryBaseMs = options.retryBaseMs ?? 30_000;
  const retryMaxMs = options.retryMaxMs ?? 3_600_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;

  let stopped = false;
  let woken = false;
  let interrupt: (() => void) | null = null;
  let listener: pg.PoolClient | null = null;

  const wake = () => {
    woken = true;
    interrupt?.();
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopped) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        interrupt = null;
        resolve();
      }
      interrupt = done;
    });

  /** LISTEN on a connection of its own; without it the sender still polls. */
  const listen = async () => {
    if (listener) return;
    const client = await pool.connect();
    client.on('notification', wake);
    client.on('error', (error) => {
      if (listener !== client) return;
      logger.warn({ err: error }, 'email sender lost its LISTEN connection; polling until it is back');
      listener = null;
      client.release(true);
    });
    try {
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    } catch (error) {
      client.release(true);
      throw error;
    }
    listener = client;
  };

  const retryDelay = (attempt: number) => Math.min(retryMaxMs, retryBaseMs * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);

  const fail = async (claim: ClaimedNotification, error: unknown, permanent: boolean) => {
    const message = error instanceof ZodError ? `the event lacks what the email needs: ${error.message}` : error instanceof Error ? error.message : String(error);
    const final = permanent || claim.attempt >= options.maxAttempts;
    await markAttemptFailed(db, claim, message, final ? null : retryDelay(claim.attempt));
    const context = { notificationId: claim.id, attempt: claim.attempt, err: error };
    if (final) logger.error(context, 'customer email failed for good');
    else logger.warn(context, 'customer email not sent; retrying later');
  };

  const sendOne = async (claim: ClaimedNotification, loaded: Awaited<ReturnType<typeof loadNotifications>>) => {
    const notification = loaded.get(claim.id);
    if (!notification) return fail(claim, new Error('its order or event is gone'), true);
    let email;
    try {
      email = renderNotification(notification, { publicUrl: options.publicUrl });
    } catch (error) {
      return fail(claim, error, true);
    }
    let sent;
    try {
      sent = await transport.send({ notificationId: claim.id, to: notification.recipient, ...email });
    } catch (error) {
      return fail(claim, error, isRecipientRefused(error));
    }
    // Failing to record a sent email is not a failed send: the lease brings it back (sent twice, same Message-ID).
    const recorded = await markSent(db, claim, { transport: transport.kind, ...sent });
    if (!recorded) logger.warn({ notificationId: claim.id, attempt: claim.attempt }, 'customer email sent after its lease ended; another attempt may send it again');
  };

  /** Claims and sends one batch; returns how many were claimed. */
  const sendDue = async () => {
    const claims = await claimNotifications(db, { limit: batchSize, leaseMs, recipientSuffix: options.recipientSuffix });
    if (claims.length === 0) return 0;
    const loaded = await loadNotifications(
      db,
      claims.map((c) => c.id),
    );
    await Promise.all(
      claims.map((claim) =>
        sendOne(claim, loaded).catch((error: unknown) => logger.warn({ err: error, notificationId: claim.id }, 'could not record a customer email; its lease will bring it back')),
      ),
    );
    return claims.length;
  };

  const run = async () => {
    while (!stopped) {
      woken = false;
      let claimed = 0;
      try {
        await listen().catch((error: unknown) => logger.warn({ err: error }, 'email sender could not LISTEN; polling'));
        claimed = await sendDue();
      } catch (error) {
        logger.warn({ err: error }, 'sending customer emails failed; retrying');
      }
      if (claimed < batchSize) await sleep(pollMs);
    }
  };

  logger.info(
    transport.kind === 'smtp'
      ? { transport: 'smtp', server: transport.destination }
      : { transport: 'file', directory: transport.destination },
    transport.kind === 'smtp'
      ? 'customer emails are sent through SMTP'
      : 'customer emails are written as .eml files, not sent (no SMTP_URL); they are marked sent with transport "file"',
  );
  const running = run();
  return {
    wake,
    async stop() {
      stopped = true;
      wake();
      // A send stuck on a silent server is not waited for: its lease brings the email back.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise((resolve) => (timer = setTimeout(resolve, stopTimeoutMs)))]);
      clearTimeout(timer);
      listener?.release(true);
      listener = null;
      transport.close();
    },
  };
}

/** The server refused the recipient (5xx to RCPT TO): sending again cannot succeed. */
function isRecipientRefused(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { responseCode, command } = error as { responseCode?: unknown; command?: unknown };
  return typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600 && command === 'RCPT TO';
}
