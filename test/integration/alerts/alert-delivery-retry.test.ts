import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertDeliverySender, type AlertDeliverySender } from '#server/alerts/alert-delivery-sender.ts';
import { createAlertEngine, type AlertEngine } from '#server/alerts/alert-engine.ts';
import { silentPublisher } from '#server/alerts/alert-publisher.ts';
import { createLogger } from '#server/logger.ts';
import { finding, scriptedRule, startAlertHarness, type AlertHarness } from './alert-harness.ts';

/** The delivery queue survives what a process does not: no sender, a crash mid-send, a receiver that keeps failing. */
const SECRET = 'alert-webhook-secret-retry-0123';

let h: AlertHarness;
let receiver: Server;
let url: string;
/** What the receiver answers (and how many times it was called). */
const answer = { status: 200, calls: 0 };
const senders: AlertDeliverySender[] = [];
const engines: AlertEngine[] = [];

beforeAll(async () => {
  h = await startAlertHarness('alert_delivery_retry');
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      answer.calls += 1;
      res.writeHead(answer.status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/tower`;
});
afterAll(async () => {
  for (const sender of senders) await sender.stop();
  for (const engine of engines) await engine.stop();
  await new Promise((resolve) => receiver.close(resolve));
  await h.close();
});

function sender(options: { maxAttempts?: number; leaseMs?: number } = {}) {
  const started = startAlertDeliverySender(
    { db: h.server.db, logger: createLogger('silent'), transport: null, targets: { emailTo: [], webhook: { url, secret: SECRET } } },
    { maxAttempts: options.maxAttempts ?? 5, pollMs: 50, retryBaseMs: 50, retryMaxMs: 100, leaseMs: options.leaseMs ?? 60_000, publicUrl: 'https://tower.example.com' },
  );
  senders.push(started);
  return started;
}

/** One critical alert opened by a round that queues webhook deliveries; its delivery row's id. */
async function criticalAlert(key: string): Promise<string> {
  const { rule, state } = scriptedRule(key);
  const engine = createAlertEngine({ db: h.server.db, clock: h.clock, logger: createLogger('silent'), publish: silentPublisher, rules: [rule], intervalMs: 5_000, deliveries: { channels: ['webhook'] } });
  engines.push(engine);
  state.found = [finding('network', { severity: 'critical' })];
  h.clock.advance(5_000);
  await engine.runRound();
  const { rows } = await h.server.pool.query(`select d.id from alert_deliveries d join alerts a on a.id = d.alert_id where a.rule = $1`, [key]);
  expect(rows).toHaveLength(1);
  return rows[0].id as string;
}

const rowOf = async (id: string) => (await h.server.pool.query('select status, attempts, last_error from alert_deliveries where id = $1', [id])).rows[0];

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the alert delivery queue', () => {
  it('keeps what the round queued while no sender runs; a sender started later sends it', async () => {
    const id = await criticalAlert('queue_no_sender');
    expect(await rowOf(id)).toMatchObject({ status: 'pending', attempts: 0 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answer.calls).toBe(0);
    const late = sender();
    await until(async () => (await rowOf(id)).status === 'sent');
    expect(answer.calls).toBe(1);
    await late.stop();
  });

  it('a claim whose sender died before recording comes back when its lease ends, and is sent once more', async () => {
    const id = await criticalAlert('queue_crash');
    // What a sender that claimed the row and crashed mid-send leaves behind.
    await h.server.pool.query(`update alert_deliveries set attempts = 1, next_attempt_at = now() + interval '300 milliseconds' where id = $1`, [id]);
    const calls = answer.calls;
    const next = sender();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(answer.calls).toBe(calls);
    await until(async () => (await rowOf(id)).status === 'sent');
    expect(await rowOf(id)).toMatchObject({ status: 'sent', attempts: 2 });
    await next.stop();
  });

  it('gives up after maxAttempts with the last error, when the receiver keeps refusing', async () => {
    answer.status = 500;
    const id = await criticalAlert('queue_refused');
    const stubborn = sender({ maxAttempts: 3 });
    await until(async () => (await rowOf(id)).status === 'failed');
    expect(await rowOf(id)).toMatchObject({ status: 'failed', attempts: 3, last_error: 'the webhook answered 500' });
    await stubborn.stop();
    answer.status = 200;
  });
});
