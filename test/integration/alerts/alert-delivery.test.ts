import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertDeliverySender, type AlertDeliverySender } from '#server/alerts/alert-delivery-sender.ts';
import { createAlertEngine, type AlertEngine } from '#server/alerts/alert-engine.ts';
import { realtimeAlertPublisher } from '#server/alerts/alert-publisher.ts';
import type { AlertRule } from '#server/alerts/alert-rule.ts';
import type { AlertDeliveryChannel } from '#server/alerts/enqueue-deliveries.ts';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyAlertWebhook } from '#server/alerts/alert-webhook.ts';
import { createLogger } from '#server/logger.ts';
import { createMailTransport } from '#server/notifications/mail-transport.ts';
import { startSmtpCatcher, type SmtpCatcher } from '#test/integration/notifications/mail-fixture.ts';
import { finding, scriptedRule, startAlertHarness, type AlertHarness } from './alert-harness.ts';

/** Critical alerts by email and signed webhook: queued in the round, sent after it, retried, once per opening or escalation. */
const SECRET = 'alert-webhook-secret-0123456789';

interface Received {
  headers: { signature: string | undefined; timestamp: string | undefined; delivery: string | undefined };
  raw: string;
  answered: number;
}

/** A real HTTP receiver on loopback; answers `statuses` in turn (200 once they run out). */
async function startReceiver(statuses: number[]): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answered = statuses.shift() ?? 200;
      received.push({
        headers: { signature: req.headers[SIGNATURE_HEADER] as string, timestamp: req.headers[TIMESTAMP_HEADER] as string, delivery: req.headers[DELIVERY_HEADER] as string },
        raw: Buffer.concat(chunks).toString('utf8'),
        answered,
      });
      res.writeHead(answered).end(answered === 200 ? 'ok' : 'try later');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/tower`, received, server };
}

/** Polls until `check` answers something truthy. */
async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** An engine as main.ts builds it: critical alerts queued for `channels`, the sender woken after commit. */
function deliveringEngine(rule: AlertRule, channels: AlertDeliveryChannel[]) {
  const engine = createAlertEngine({
    db: h.server.db,
    clock: h.clock,
    logger: createLogger('silent'),
    publish: realtimeAlertPublisher(h.server.realtime),
    rules: [rule],
    intervalMs: 5_000,
    deliveries: { channels, wake: () => sender.wake() },
  });
  engines.push(engine);
  return engine;
}

let h: AlertHarness;
let smtp: SmtpCatcher;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let sender: AlertDeliverySender;
const engines: AlertEngine[] = [];
const to = 'oncall@tower.example.com';

beforeAll(async () => {
  h = await startAlertHarness('alert_delivery');
  smtp = await startSmtpCatcher();
  // The first webhook attempt fails: the sender retries it.
  receiver = await startReceiver([503]);
  sender = startAlertDeliverySender(
    {
      db: h.server.db,
      logger: createLogger('silent'),
      transport: createMailTransport({ smtpUrl: smtp.url, from: 'Tower <alerts@tower.test>', mailDir: '/nonexistent' }),
      targets: { emailTo: [to], webhook: { url: receiver.url, secret: SECRET } },
    },
    { maxAttempts: 5, pollMs: 100, retryBaseMs: 200, retryMaxMs: 500, publicUrl: 'https://tower.example.com' },
  );
});
afterAll(async () => {
  for (const engine of engines) await engine.stop();
  await sender.stop();
  await smtp.stop();
  await new Promise((resolve) => receiver.server.close(resolve));
  await h.close();
});

const rowsOf = async (alertId: string) =>
  (await h.server.pool.query('select channel, occasion, status, attempts, last_error from alert_deliveries where alert_id = $1 order by channel, occasion', [alertId])).rows;

describe('critical alert delivery', () => {
  it('emails once and POSTs a verifiable signed webhook, retried after a failure; seeing the alert again sends nothing', async () => {
    const { rule, state } = scriptedRule('deliver_critical');
    const engine = deliveringEngine(rule, ['email', 'webhook']);
    state.found = [finding('network', { severity: 'critical', title: 'Relay stopped' })];
    h.clock.advance(5_000);
    await engine.runRound();
    const alertId = (await h.server.pool.query("select id from alerts where rule = 'deliver_critical'")).rows[0].id as string;

    const mails = await smtp.waitFor((all) => all.some((m) => m.rcptTo.includes(to)));
    expect(mails.filter((m) => m.rcptTo.includes(to))).toHaveLength(1);
    expect(mails[0]!.parsed.subject).toBe('[Tower] Critical alert opened: Relay stopped');
    expect(mails[0]!.parsed.text).toContain(`https://tower.example.com/alerts/${alertId}`);

    const delivered = await eventually(() => receiver.received.find((r) => r.answered === 200));
    expect(receiver.received.map((r) => r.answered)).toEqual([503, 200]);
    // The same delivery, twice: same id, each attempt signed over its own timestamp.
    expect(receiver.received[0]!.headers.delivery).toBe(delivered.headers.delivery);
    expect(verifyAlertWebhook(SECRET, delivered.headers, delivered.raw)).toBe(true);
    expect(verifyAlertWebhook('another-secret-0123456789', delivered.headers, delivered.raw)).toBe(false);
    expect(verifyAlertWebhook(SECRET, delivered.headers, delivered.raw.replace('Relay', 'relay'))).toBe(false);
    expect(verifyAlertWebhook(SECRET, delivered.headers, delivered.raw, { nowMs: Date.now() + 3_600_000 })).toBe(false);
    const body = JSON.parse(delivered.raw);
    expect(body).toMatchObject({ type: 'alert', change: 'opened', alert: { id: alertId, severity: 'critical', rule: 'deliver_critical', title: 'Relay stopped' } });

    const rows = await eventually(async () => {
      const current = await rowsOf(alertId);
      return current.every((r) => r.status === 'sent') && current;
    });
    expect(rows).toMatchObject([
      { channel: 'email', status: 'sent', attempts: 1 },
      { channel: 'webhook', status: 'sent', attempts: 2, last_error: null },
    ]);

    // Seen again: no new delivery.
    h.clock.advance(5_000);
    await engine.runRound();
    await sender.sendDue();
    expect(await rowsOf(alertId)).toHaveLength(2);
    expect(smtp.to(to)).toHaveLength(1);
  });

  it('a warning is not delivered; its escalation to critical is, once', async () => {
    const { rule, state } = scriptedRule('deliver_escalation');
    const engine = deliveringEngine(rule, ['webhook']);
    state.found = [finding('network', { severity: 'warning' })];
    h.clock.advance(5_000);
    await engine.runRound();
    const alertId = (await h.server.pool.query("select id from alerts where rule = 'deliver_escalation'")).rows[0].id as string;
    expect(await rowsOf(alertId)).toEqual([]);
    state.found = [finding('network', { severity: 'critical' })];
    for (let i = 0; i < 2; i++) {
      h.clock.advance(5_000);
      await engine.runRound();
    }
    await eventually(() => receiver.received.some((r) => JSON.parse(r.raw).alert.id === alertId));
    const mine = receiver.received.filter((r) => JSON.parse(r.raw).alert.id === alertId);
    expect(mine).toHaveLength(1);
    expect(JSON.parse(mine[0]!.raw)).toMatchObject({ change: 'escalated', alert: { severity: 'critical' } });
    expect(await eventually(async () => (await rowsOf(alertId)).find((r) => r.status === 'sent') && rowsOf(alertId))).toMatchObject([{ channel: 'webhook', status: 'sent', occasion: expect.stringMatching(/^escalated@/) }]);
  });
});
