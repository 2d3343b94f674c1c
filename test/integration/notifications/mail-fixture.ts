import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { drizzle } from 'drizzle-orm/node-postgres';
import { simpleParser, type ParsedMail } from 'mailparser';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { inject } from 'vitest';
import type { Database } from '#db/client.ts';
import { applyMigrations } from '#db/migrate.ts';
import * as schema from '#db/schema/index.ts';
import { createLogger } from '#server/logger.ts';
import { createMailTransport, type MailTransport } from '#server/notifications/mail-transport.ts';
import { startNotificationSender, type NotificationSender, type NotificationSenderOptions } from '#server/notifications/notification-sender.ts';
import { freePort } from '#test/support/free-port.ts';

export const SMTP_USER = 'tower';
export const SMTP_PASSWORD = 'smtp-secret';

export interface ReceivedMail {
  /** The envelope recipients, as the server saw them. */
  rcptTo: string[];
  parsed: ParsedMail;
}

/** A real SMTP server on 127.0.0.1 that requires AUTH PLAIN/LOGIN and keeps every message it accepts. */
export interface SmtpCatcher {
  port: number;
  url: string;
  received: ReceivedMail[];
  /** Received messages to `address`. */
  to(address: string): ReceivedMail[];
  /** Waits until `predicate` holds for the received messages, or fails after `timeoutMs`. */
  waitFor(predicate: (received: ReceivedMail[]) => boolean, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

export async function startSmtpCatcher(options: { port?: number; refuseRecipient?: (address: string) => boolean } = {}): Promise<SmtpCatcher> {
  const port = options.port ?? (await freePort());
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    // Plain text on loopback: nodemailer would otherwise upgrade to TLS and refuse the test certificate.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    // Senders keep pooled connections open; a stopped server drops them at once, as a crash would.
    closeTimeout: 50,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (options.refuseRecipient?.(address.address)) {
        const error = Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 });
        callback(error);
      } else callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          received.push({ rcptTo: session.envelope.rcptTo.map((r) => r.address), parsed });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const to = (address: string) => received.filter((m) => m.rcptTo.includes(address));
  return {
    port,
    url: `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${port}`,
    received,
    to,
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for emails; received ${received.length}: ${received.map((m) => m.parsed.subject).join(' | ')}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return received;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The domain of this run's customers: senders started here send only to it (other test files queue emails too). */
export function mailDomain(): string {
  return `@mail-${randomUUID().slice(0, 8)}.example.com`;
}

export interface TestSender {
  sender: NotificationSender;
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** A sender as main.ts starts it, tuned to retry within a test. */
export function startTestSender(
  deps: { db: Database; pool: pg.Pool },
  options: {
    smtpUrl?: string;
    mailDir?: string;
    recipientSuffix: string;
    /** Wraps the transport's send, e.g. to make it hang after delivering. */
    wrapTransport?: (send: MailTransport['send']) => MailTransport['send'];
  } & Partial<NotificationSenderOptions>,
): TestSender {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const transport = createMailTransport({ smtpUrl: options.smtpUrl, from: 'Tower <orders@tower.test>', mailDir: options.mailDir ?? '/nonexistent' });
  if (options.wrapTransport) transport.send = options.wrapTransport(transport.send.bind(transport));
  const sender = startNotificationSender(
    { ...deps, logger: createLogger('info', sink), transport },
    { publicUrl: 'https://shop.example.com', maxAttempts: 5, pollMs: 100, retryBaseMs: 200, retryMaxMs: 1_000, ...options },
  );
  return { sender, logs, stop: () => sender.stop() };
}

/** Polls a query until `predicate` holds for its rows. */
export async function waitForRows<T>(query: () => Promise<T[]>, predicate: (rows: T[]) => boolean, timeoutMs = 15_000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await query();
    if (predicate(rows)) return rows;
    if (Date.now() > deadline) throw new Error(`timed out; last rows: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface OwnDatabase {
  db: Database;
  pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * A database of this file's own, migrated, beside the run's test database. Every Tower process
 * runs a sender, and the suites that spawn one share the run's database: there, they would
 * send (to their own DATA_DIR/mail) the emails these tests wait for.
 */
export async function openOwnDatabase(): Promise<OwnDatabase> {
  const shared = inject('databaseUrl');
  const name = `tower_mail_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: shared });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(shared);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 20 });
  await applyMigrations(pool);
  return {
    db: drizzle({ client: pool, schema }),
    pool,
    async close() {
      await pool.end();
      // Not WITH (FORCE): it would hit the pool's connections while they are still closing.
      for (let tries = 0; ; tries++) {
        try {
          await admin.query(`drop database if exists ${name}`);
          break;
        } catch (error) {
          if ((error as { code?: string }).code !== '55006' || tries >= 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      await admin.end();
    },
  };
}
