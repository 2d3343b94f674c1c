import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentDeclines } from '#server/alerts/rules/payment-declines.ts';
import { createLocation, createProduct, addStock, expectStatus, orderBody, placeOrder } from '#test/support/factories.ts';
import { startAlertHarness, type AlertHarness } from './alert-harness.ts';

/**
 * payment_declines: the last 15 minutes' decline rate against the 24 hours before, by a
 * two-proportion z-test (raise at z ≥ 3 with 5 points of lift and 30 attempts). Attempts are
 * order captures as the audit log has them; the baseline is written there directly (a day of
 * traffic), the spike is real declined orders through the API.
 */
let h: AlertHarness;
beforeAll(async () => {
  h = await startAlertHarness('alerts_declines');
});
afterAll(() => h.close());

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** `total` order captures spread evenly over [from, to), `declined` of them (evenly among them) refused with 402. */
async function attempts(from: Date, to: Date, total: number, declined: number) {
  await h.server.pool.query(
    `insert into audit_log (occurred_at, actor_kind, action, method, path, status, outcome, detail)
     select $1::timestamptz + (i + 0.5) * ($2::timestamptz - $1::timestamptz) / $3, 'token', 'orders:create', 'POST', '/api/orders',
       case when declined then 402 else 201 end, case when declined then 'failed'::audit_outcome else 'ok'::audit_outcome end, '{"route":"/api/orders"}'
     from generate_series(0, $3 - 1) as i, lateral (select floor((i + 1) * $4::numeric / $3) > floor(i * $4::numeric / $3) as declined) d`,
    [from, to, total, declined],
  );
}

async function liveDeclineAlerts() {
  const items = (expectStatus(await h.server.api.get('/api/alerts?rule=payment_declines'), 200).body as { items: any[] }).items;
  return items.filter((a) => a.state !== 'resolved');
}

describe('payment_declines', () => {
  it('opens on real declined orders far above the trailing baseline, naming the rates, and resolves once the window has passed', async () => {
    // Real requests are audited at the wall clock: this test lives there.
    h.clock.set(new Date());
    const engine = h.engine({ rules: [paymentDeclines] });
    const now = h.clock.now();
    await attempts(new Date(now.getTime() - 24 * HOUR - 15 * MINUTE), new Date(now.getTime() - 15 * MINUTE), 400, 8);
    const location = await createLocation(h.server.api);
    const product = await createProduct(h.server.api);
    await addStock(h.server.api, product.sku, location.id, 1_000);
    for (let i = 0; i < 20; i++) expectStatus(await placeOrder(h.server.api, orderBody([{ sku: product.sku, quantity: 1 }])), 201);
    for (let i = 0; i < 15; i++) {
      expectStatus(await placeOrder(h.server.api, orderBody([{ sku: product.sku, quantity: 1 }], { payment: { method: 'card', token: 'tok_declined' } })), 402);
    }
    h.clock.set(new Date(Date.now() + 1_000));
    await engine.runRound();
    const [alert] = await liveDeclineAlerts();
    expect(alert).toMatchObject({
      subject: 'network',
      state: 'open',
      locationId: null,
      affected: { attempts: 35, declines: 15 },
      measured: { recentAttempts: 35, recentDeclines: 15, baselineAttempts: 400, baselineDeclines: 8, baseline: 'trailing', baselineRate: 0.02 },
    });
    expect(alert.measured.z).toBeGreaterThan(6);
    expect(alert.severity).toBe('critical');
    expect(alert.title).toBe('Payment declines at 42.9% over 15 min (usually 2.0%)');

    // The spike leaves the window: too few attempts to say anything, three clear rounds, resolved.
    h.clock.advance(20 * MINUTE);
    for (let i = 0; i < 3; i++) await h.round(engine);
    expect(await liveDeclineAlerts()).toEqual([]);
  });

  it('stays silent on a steady decline rate, on a spike of too few attempts, and on a new business without baseline at its usual rate', async () => {
    const engine = h.engine({ rules: [paymentDeclines] });
    // A day of 5% declines, then 15 minutes at 4 of 60 (6.7%): noise.
    h.clock.set(new Date('2026-04-01T12:00:00Z'));
    let now = h.clock.now();
    await attempts(new Date(now.getTime() - 24 * HOUR - 15 * MINUTE), new Date(now.getTime() - 15 * MINUTE), 1_000, 50);
    await attempts(new Date(now.getTime() - 15 * MINUTE), now, 60, 4);
    await engine.runRound({ force: true });
    expect(await liveDeclineAlerts()).toEqual([]);

    // Five of ten declined: alarming as a rate, but ten attempts prove nothing.
    h.clock.set(new Date('2026-04-10T12:00:00Z'));
    now = h.clock.now();
    await attempts(new Date(now.getTime() - 24 * HOUR - 15 * MINUTE), new Date(now.getTime() - 15 * MINUTE), 1_000, 20);
    await attempts(new Date(now.getTime() - 15 * MINUTE), now, 10, 5);
    await engine.runRound({ force: true });
    expect(await liveDeclineAlerts()).toEqual([]);

    // No history at all: 3 of 40 against the 10% expected without a baseline.
    h.clock.set(new Date('2026-05-01T12:00:00Z'));
    now = h.clock.now();
    await attempts(new Date(now.getTime() - 15 * MINUTE), now, 40, 3);
    await engine.runRound({ force: true });
    expect(await liveDeclineAlerts()).toEqual([]);
  });

  it('once open, stays open while z is between clearZ and raiseZ (no flapping), and the same traffic would not have opened it', async () => {
    const engine = h.engine({ rules: [paymentDeclines] });
    h.clock.set(new Date('2026-06-01T12:00:00Z'));
    const start = h.clock.now();
    await attempts(new Date(start.getTime() - 24 * HOUR - 15 * MINUTE), new Date(start.getTime() - 15 * MINUTE), 2_000, 100);
    // 15 of 60 (25% against 5%): z ≈ 6.7.
    await attempts(new Date(start.getTime() - 15 * MINUTE), start, 60, 15);
    await engine.runRound({ force: true });
    expect(await liveDeclineAlerts()).toHaveLength(1);

    // Five minutes on: the window holds the spike's last 40 attempts (10 declined) and 60 new ones (1 declined):
    // 11% against 5.2%, z ≈ 2.5.
    h.clock.advance(5 * MINUTE);
    await attempts(start, h.clock.now(), 60, 1);
    await engine.runRound({ force: true });
    const [alert] = await liveDeclineAlerts();
    expect(alert.measured.z).toBeGreaterThan(2);
    expect(alert.measured.z).toBeLessThan(3);
    expect(alert.seenCount).toBe(2);
    // Had it not been open, the same figures would not open it.
    await h.server.pool.query(`update alerts set state = 'resolved', resolved_at = $1, resolve_reason = 'test' where rule = 'payment_declines' and state <> 'resolved'`, [new Date(start.getTime() - 24 * HOUR)]);
    await engine.runRound({ force: true });
    expect(await liveDeclineAlerts()).toEqual([]);
  });
});
