import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventType } from '#server/core/events.ts';
import type { MailTransport } from '#server/notifications/mail-transport.ts';
import { appendEvents, type NewEvent } from '#server/outbox/append-events.ts';
import { expectStatus, orderBody, placeOrder, stockedProduct, unique } from '#test/support/factories.ts';
import { freePort } from '#test/support/free-port.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { mailDomain, openOwnDatabase, startSmtpCatcher, startTestSender, waitForRows, type OwnDatabase, type SmtpCatcher, type TestSender } from './mail-fixture.ts';

// Orders and their emails live in a database of this file's own (see openOwnDatabase); the
// test server's services write there, its API tokens stay in the run's database.
let own: OwnDatabase;
let server: TestServer;
beforeAll(async () => {
  own = await openOwnDatabase();
  server = await startTestServer({ wrapDb: () => own.db });
});
afterAll(async () => {
  await server.close();
  await own.close();
});

interface PlacedOrder {
  id: string;
  number: string;
  email: string;
  sku: string;
  locationId: string;
  totals: { total: number };
}

/** An order of 2 units placed over HTTP by a new customer of `domain`. */
async function orderFor(domain: string): Promise<PlacedOrder> {
  const { product, location } = await stockedProduct(server.api, 10, { name: 'Organic <tee>' });
  const email = `${unique('buyer')}${domain}`;
  const response = expectStatus(await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 2 }], { customer: { email, name: 'Ada Lovelace' } })), 201);
  const placed = response.body as Pick<PlacedOrder, 'id' | 'number' | 'totals'>;
  return { id: placed.id, number: placed.number, totals: placed.totals, email, sku: product.sku, locationId: location.id };
}

interface NotificationRow {
  id: string;
  template: string;
  status: string;
  attempts: number;
  transport: string | null;
  message_id: string | null;
  last_error: string | null;
}

async function notificationsOf(orderId: string): Promise<NotificationRow[]> {
  const { rows } = await own.pool.query<NotificationRow>(
    'select id, template, status, attempts, transport, message_id, last_error from notifications where order_id = $1 order by created_at, template',
    [orderId],
  );
  return rows;
}

function fulfillmentEvent(order: PlacedOrder, type: NewEvent['type'], payload: Record<string, unknown>): NewEvent {
  return { type, aggregateType: 'order', aggregateId: order.id, occurredAt: new Date(), payload };
}

const destination = { country: 'US', region: 'TX', postalCode: '73301' };

/** The payloads analytics/README.md fixes for these events. */
function shipped(order: PlacedOrder, trackingNumbers: string[]) {
  return fulfillmentEvent(order, EventType.orderShipped, {
    channel: 'web',
    destination,
    shipmentId: randomUUID(),
    shipmentNumber: 1,
    locationId: order.locationId,
    carrier: 'ups',
    service: 'standard',
    placedAt: new Date().toISOString(),
    promisedAt: '2026-12-03T23:00:00.000Z',
    packages: trackingNumbers.map((trackingNumber) => ({ trackingNumber, weightGrams: 600 })),
    lines: [{ sku: order.sku, category: 'apparel', quantity: 2 }],
    pickPackCostCents: 120,
    packagingCostCents: 40,
    labelCostCents: 650,
  });
}

function delivered(order: PlacedOrder) {
  return fulfillmentEvent(order, EventType.orderDelivered, {
    channel: 'web',
    destination,
    shipmentId: randomUUID(),
    locationId: order.locationId,
    carrier: 'ups',
    placedAt: new Date().toISOString(),
    promisedAt: '2026-12-03T23:00:00.000Z',
    deliveredAt: '2026-12-02T14:30:00.000Z',
    lines: [{ sku: order.sku, category: 'apparel', quantity: 2 }],
  });
}

function returned(order: PlacedOrder) {
  return fulfillmentEvent(order, EventType.returnReceived, {
    channel: 'web',
    destination,
    returnId: randomUUID(),
    locationId: order.locationId,
    lines: [{ sku: order.sku, category: 'apparel', quantity: 1 }],
    reason: 'size_or_fit',
  });
}

function refunded(order: PlacedOrder, amountCents: number) {
  return fulfillmentEvent(order, EventType.paymentRefunded, { amountCents, currency: 'USD' });
}

/** Writes events as a command would: in one transaction. */
function commit(events: NewEvent[]) {
  return own.db.transaction((tx) => appendEvents(tx, events));
}

async function withSmtp<T>(run: (smtp: SmtpCatcher) => Promise<T>, options?: Parameters<typeof startSmtpCatcher>[0]): Promise<T> {
  const smtp = await startSmtpCatcher(options);
  try {
    return await run(smtp);
  } finally {
    await smtp.stop();
  }
}

async function withSender<T>(options: Parameters<typeof startTestSender>[1], run: (sender: TestSender) => Promise<T>): Promise<T> {
  const sender = startTestSender({ db: own.db, pool: own.pool }, options);
  try {
    return await run(sender);
  } finally {
    await sender.stop();
  }
}

describe('customer emails', () => {
  it('placing an order over HTTP emails the customer a confirmation with the order number and total, once', async () => {
    const domain = mailDomain();
    await withSmtp((smtp) =>
      withSender({ smtpUrl: smtp.url, recipientSuffix: domain }, async () => {
        const order = await orderFor(domain);
        const [mail] = await smtp.waitFor(() => smtp.to(order.email).length > 0);
        const { parsed } = mail!;
        expect(parsed.subject).toBe(`Your order ${order.number} is confirmed`);
        expect(parsed.from?.value[0]).toMatchObject({ name: 'Tower', address: 'orders@tower.test' });
        // 2 × $19.99 + 6.25% TX tax + $5.99 standard shipping.
        expect(order.totals.total).toBe(4847);
        expect(parsed.text).toContain('Total: $48.47');
        expect(parsed.text).toContain('2 × Organic <tee>');
        expect(parsed.html).toContain('2 × Organic &lt;tee&gt;');
        expect(parsed.text).toContain(`https://shop.example.com/track/${order.number}`);

        // order.placed queued one email; payment.authorized and order.allocated none.
        const rows = await waitForRows(() => notificationsOf(order.id), (r) => r[0]?.status === 'sent');
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ template: 'order_confirmation', status: 'sent', attempts: 1, transport: 'smtp', message_id: `<${rows[0]!.id}@tower>` });
        expect(parsed.messageId).toBe(`<${rows[0]!.id}@tower>`);
        expect(smtp.to(order.email)).toHaveLength(1);
      }),
    );
  });

  it('a shipment, its delivery, a received return and a refund each email the customer what happened', async () => {
    const domain = mailDomain();
    await withSmtp((smtp) =>
      withSender({ smtpUrl: smtp.url, recipientSuffix: domain }, async () => {
        const order = await orderFor(domain);
        await smtp.waitFor(() => smtp.to(order.email).length === 1);
        await commit([shipped(order, ['1Z999AA10123456784', '1Z999AA10123456785'])]);
        await commit([delivered(order)]);
        await commit([returned(order)]);
        await commit([refunded(order, 1999)]);
        await smtp.waitFor(() => smtp.to(order.email).length === 5);
        const bySubject = new Map(smtp.to(order.email).map((m) => [m.parsed.subject, m.parsed]));

        const shipment = bySubject.get(`Your order ${order.number} has shipped`);
        expect(shipment?.text).toContain('on their way with UPS');
        expect(shipment?.text).toContain('1Z999AA10123456784');
        expect(shipment?.text).toContain('1Z999AA10123456785');
        expect(shipment?.text).toContain(`2 × Organic <tee> (${order.sku})`);
        expect(shipment?.text).toContain('Expected delivery: Thursday, December 3, 2026.');
        expect(shipment?.text).toContain(`https://shop.example.com/track/${order.number}`);

        const delivery = bySubject.get(`Your order ${order.number} was delivered`);
        expect(delivery?.text).toContain('delivered on Wednesday, December 2, 2026 at 2:30 PM UTC');

        const receipt = bySubject.get(`We received your return for order ${order.number}`);
        expect(receipt?.text).toContain(`1 × Organic <tee> (${order.sku})`);

        const refund = bySubject.get(`Your refund of $19.99 for order ${order.number}`);
        expect(refund?.text).toContain('We refunded $19.99');

        const rows = await waitForRows(() => notificationsOf(order.id), (r) => r.length === 5 && r.every((n) => n.status === 'sent'));
        expect(rows.map((r) => r.template).sort()).toEqual(['order_confirmation', 'order_delivered', 'order_shipped', 'refund_issued', 'return_received']);
      }),
    );
  });

  it('an event that rolls back emails nothing', async () => {
    const domain = mailDomain();
    await withSmtp((smtp) =>
      withSender({ smtpUrl: smtp.url, recipientSuffix: domain }, async () => {
        const order = await orderFor(domain);
        await smtp.waitFor(() => smtp.to(order.email).length === 1);
        await expect(
          own.db.transaction(async (tx) => {
            await appendEvents(tx, [shipped(order, ['1ZROLLEDBACK0000001'])]);
            throw new Error('the command failed after writing its event');
          }),
        ).rejects.toThrow('the command failed');
        // A later event is emailed, and by then the rolled-back one would have been too.
        await commit([delivered(order)]);
        await smtp.waitFor(() => smtp.to(order.email).length === 2);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(smtp.to(order.email).map((m) => m.parsed.subject)).toEqual([
          `Your order ${order.number} is confirmed`,
          `Your order ${order.number} was delivered`,
        ]);
        expect((await notificationsOf(order.id)).map((n) => n.template)).toEqual(['order_confirmation', 'order_delivered']);
      }),
    );
  });

  it('an event dated more than an hour back (a backfill through x-tower-as-of) queues no email', async () => {
    const order = await orderFor(mailDomain());
    const lastMonth = new Date(Date.now() - 30 * 86_400_000);
    await commit([{ ...shipped(order, ['1ZHISTORY000000001']), occurredAt: lastMonth }, { ...delivered(order), occurredAt: lastMonth }]);
    await commit([refunded(order, 500)]);
    expect((await notificationsOf(order.id)).map((n) => n.template).sort()).toEqual(['order_confirmation', 'refund_issued']);
  });

  it('with the SMTP server down, an email is retried with backoff and delivered once it is back, exactly once', async () => {
    const domain = mailDomain();
    const port = await freePort();
    await withSender({ smtpUrl: `smtp://tower:smtp-secret@127.0.0.1:${port}`, recipientSuffix: domain, maxAttempts: 10 }, async ({ logs }) => {
      const order = await orderFor(domain);
      const retried = (id: string | undefined) => logs.filter((l) => l['msg'] === 'customer email not sent; retrying later' && l['notificationId'] === id);
      const [failing] = await waitForRows(() => notificationsOf(order.id), (r) => retried(r[0]?.id).length >= 2);
      expect(failing).toMatchObject({ status: 'pending', transport: null });
      expect(failing!.last_error).toMatch(/ECONNREFUSED/);
      // Backoff: the second retry waited longer than the first (200 ms, then 400 ms, ±20%).
      const [first, second] = retried(failing!.id).map((l) => Date.parse(String(l['time'])));
      expect(second! - first!).toBeGreaterThanOrEqual(160);

      await withSmtp(
        async (smtp) => {
          const [mail] = await smtp.waitFor(() => smtp.to(order.email).length > 0);
          expect(mail!.parsed.messageId).toBe(`<${failing!.id}@tower>`);
          const [sent] = await waitForRows(() => notificationsOf(order.id), (r) => r[0]?.status === 'sent');
          expect(sent!.attempts).toBeGreaterThanOrEqual(3);
          expect(sent!.last_error).toBeNull();
          // Nothing left to retry: it stays delivered once.
          await new Promise((resolve) => setTimeout(resolve, 1_200));
          expect(smtp.to(order.email)).toHaveLength(1);
        },
        { port },
      );
    });
  });

  it('a sender that dies between sending and recording loses nothing: the email is sent again after its lease, with the same Message-ID', async () => {
    const domain = mailDomain();
    await withSmtp(async (smtp) => {
      let release: () => void = () => {};
      const hung = new Promise<void>((resolve) => (release = resolve));
      // The first sender's transport delivers, then never comes back to record it (until released).
      const dying = {
        smtpUrl: smtp.url,
        recipientSuffix: domain,
        leaseMs: 300,
        wrapTransport: (send: MailTransport['send']): MailTransport['send'] => async (email) => {
          const sent = await send(email);
          await hung;
          return sent;
        },
      };
      await withSender(dying, async (first) => {
        const order = await orderFor(domain);
        await smtp.waitFor(() => smtp.to(order.email).length === 1);
        await withSender({ smtpUrl: smtp.url, recipientSuffix: domain }, async () => {
          await smtp.waitFor(() => smtp.to(order.email).length === 2, 5_000);
          const [row] = await waitForRows(() => notificationsOf(order.id), (r) => r[0]?.status === 'sent');
          expect(row!.attempts).toBe(2);
          const [a, b] = smtp.to(order.email).map((m) => m.parsed.messageId);
          expect(a).toBe(`<${row!.id}@tower>`);
          expect(b).toBe(a);
        });
        release();
        // The first sender comes back too late: its attempt is no longer the row's, and it says so.
        await waitForRows(async () => first.logs, (l) => l.some((line) => line['msg'] === 'customer email sent after its lease ended; another attempt may send it again'));
        expect((await notificationsOf(order.id))[0]).toMatchObject({ status: 'sent', attempts: 2 });
      });
    });
  });

  it('two senders at once send each email exactly once', async () => {
    const domain = mailDomain();
    await withSmtp(async (smtp) => {
      const order = await orderFor(domain);
      await commit(Array.from({ length: 40 }, (_, i) => refunded(order, 100 + i)));
      const options = { smtpUrl: smtp.url, recipientSuffix: domain, batchSize: 3 };
      await withSender(options, () =>
        withSender(options, async () => {
          await smtp.waitFor(() => smtp.to(order.email).length >= 41);
          const rows = await waitForRows(() => notificationsOf(order.id), (r) => r.every((n) => n.status === 'sent'));
          await new Promise((resolve) => setTimeout(resolve, 300));
          const ids = smtp.to(order.email).map((m) => m.parsed.messageId);
          expect(ids).toHaveLength(41);
          expect(new Set(ids).size).toBe(41);
          expect(rows).toHaveLength(41);
          expect(rows.every((r) => r.attempts === 1)).toBe(true);
          expect(new Set(rows.map((r) => r.message_id))).toEqual(new Set(ids));
          const amounts = smtp
            .to(order.email)
            .map((m) => /refund of \$(\d+\.\d\d)/.exec(m.parsed.subject ?? '')?.[1])
            .filter(Boolean);
          expect(new Set(amounts).size).toBe(40);
        }),
      );
    });
  });

  it('an address the server refuses fails at once; an email that keeps failing fails after its last attempt, logged', async () => {
    const domain = mailDomain();
    await withSmtp(
      (smtp) =>
        withSender({ smtpUrl: smtp.url, recipientSuffix: domain }, async ({ logs }) => {
          const order = await orderFor(domain);
          const [row] = await waitForRows(() => notificationsOf(order.id), (r) => r[0]?.status === 'failed');
          expect(row).toMatchObject({ attempts: 1, transport: null });
          expect(row!.last_error).toMatch(/550|Mailbox unavailable/);
          expect(logs.some((l) => l['msg'] === 'customer email failed for good' && l['notificationId'] === row!.id)).toBe(true);
        }),
      { refuseRecipient: (address) => address.endsWith(domain) },
    );

    const downDomain = mailDomain();
    const port = await freePort();
    await withSender({ smtpUrl: `smtp://tower:smtp-secret@127.0.0.1:${port}`, recipientSuffix: downDomain, maxAttempts: 2 }, async ({ logs }) => {
      const order = await orderFor(downDomain);
      const [row] = await waitForRows(() => notificationsOf(order.id), (r) => r[0]?.status === 'failed');
      expect(row!.attempts).toBe(2);
      expect(logs.filter((l) => l['notificationId'] === row!.id).map((l) => l['msg'])).toEqual([
        'customer email not sent; retrying later',
        'customer email failed for good',
      ]);
    });
  });

  it('without an SMTP server, emails are written as .eml files and marked sent with transport "file"', async () => {
    const domain = mailDomain();
    const mailDir = await mkdtemp(path.join(tmpdir(), 'tower-mail-'));
    try {
      await withSender({ mailDir, recipientSuffix: domain }, async ({ logs }) => {
        expect(logs[0]).toMatchObject({ transport: 'file', directory: mailDir });
        const order = await orderFor(domain);
        const [row] = await waitForRows(() => notificationsOf(order.id), (r) => r[0]?.status === 'sent');
        expect(row).toMatchObject({ transport: 'file', message_id: `<${row!.id}@tower>` });
        const parsed = await simpleParser(await readFile(path.join(mailDir, `${row!.id}.eml`)));
        expect(parsed.subject).toBe(`Your order ${order.number} is confirmed`);
        expect(parsed.messageId).toBe(`<${row!.id}@tower>`);
        expect(parsed.text).toContain('Total: $48.47');
        const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;
        expect(to?.value[0]?.address).toBe(order.email);
      });
    } finally {
      await rm(mailDir, { recursive: true, force: true });
    }
  });
});
