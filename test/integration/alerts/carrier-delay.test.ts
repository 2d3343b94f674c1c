import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carrierDelay } from '#server/alerts/rules/carrier-delay.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placedOrder, unique } from '#test/support/factories.ts';
import { startAlertHarness, type AlertHarness } from './alert-harness.ts';

/**
 * carrier_delay: parcels of a carrier service promised in the last 48 h, late (delivered after
 * their promise, or still in transit past it) against the 28 days before, weekday by weekday
 * (raise at z ≥ 4 with 15 points of lift and 20 parcels); or the last 24 h's due batch, 10
 * parcels or more, that passed its promise undelivered; per service and per carrier. A carrier with a short history is
 * held to the other carriers' weekday shares, its own parcels counting more as they grow. Months of parcels are written
 * as shipments of a few real orders (the rule reads shipments only); the clock is pinned.
 */
let h: AlertHarness;
const orders: { id: string }[] = [];
let location: { id: string };
beforeAll(async () => {
  h = await startAlertHarness('alerts_carrier', new Date('2026-05-06T12:00:00.000Z'));
  location = await createLocation(h.server.api);
  const product = await createProduct(h.server.api);
  await addStock(h.server.api, product.sku, location.id, 100);
  for (let i = 0; i < 4; i++) orders.push(await placedOrder(h.server.api, orderBody([{ sku: product.sku, quantity: 1 }])));
});
afterAll(() => h.close());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let number = 100;

/**
 * `count` parcels of a carrier service promised evenly over [from, to), shipped two days before
 * their promise; the first `overdue` of them still in transit, `late` of the others (spread evenly)
 * delivered a day after it, the rest half a day early. Spread over the test's orders.
 */
async function parcels(carrier: string, service: 'standard' | 'express', from: Date, to: Date, counts: { count: number; late?: number; overdue?: number }) {
  const { count, late = 0, overdue = 0 } = counts;
  await h.server.pool.query(
    `insert into shipments (order_id, number, location_id, status, carrier, service, promised_at, shipped_at, delivered_at)
     select ($1::uuid[])[1 + i % array_length($1::uuid[], 1)], $2 + i, $3, case when i < $9 then 'shipped' else 'delivered' end::shipment_status, $4, $5::delivery_service,
       p, p - interval '2 days', case when i < $9 then null when late then p + interval '1 day' else p - interval '12 hours' end
     from generate_series(0, $7 - 1) i,
       lateral (select $6::timestamptz + (i + 0.5) * ($10::timestamptz - $6::timestamptz) / $7 as p) promised,
       -- The late ones spread evenly over the others (every weekday has its share).
       lateral (select i >= $9 and floor((i - $9 + 1) * $8::numeric / greatest($7 - $9, 1)) > floor((i - $9) * $8::numeric / greatest($7 - $9, 1)) as late) spread`,
    [orders.map((o) => o.id), number, location.id, carrier, service, from, count, late, overdue, to],
  );
  number += count;
}

async function liveCarrierAlerts(carrier: string) {
  const items = (expectStatus(await h.server.api.get('/api/alerts?rule=carrier_delay&limit=500'), 200).body as { items: any[] }).items;
  return items.filter((a) => a.state !== 'resolved' && a.subject.startsWith(`carrier:${carrier}:`));
}

const before = (ms: number) => new Date(h.clock.now().getTime() - ms);

describe('carrier_delay', () => {
  it('opens on parcels overdue in transit far above the carrier’s own late share, before they arrive, per service; critical past half late; resolves when parcels are on time again', async () => {
    const carrier = unique('slow-parcel');
    const engine = h.engine({ rules: [carrierDelay] });
    // 28 days at 7% late, then 48 h where 18 of 40 are still in transit past their promise and 4 arrived late.
    await parcels(carrier, 'standard', before(30 * DAY), before(2 * DAY), { count: 400, late: 28 });
    await parcels(carrier, 'standard', before(2 * DAY), h.clock.now(), { count: 40, overdue: 18, late: 4 });
    // The same carrier's express service keeps its rhythm.
    await parcels(carrier, 'express', before(30 * DAY), before(2 * DAY), { count: 200, late: 14 });
    await parcels(carrier, 'express', before(2 * DAY), h.clock.now(), { count: 30, late: 2 });
    await h.round(engine, 60_000);
    const alerts = await liveCarrierAlerts(carrier);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      subject: `carrier:${carrier}:standard`,
      severity: 'critical',
      locationId: null,
      affected: { carrier, service: 'standard', parcelsLate: 22, parcelsOverdue: 18, ordersTotal: 4 },
      measured: { recentParcels: 40, recentLate: 22, recentOverdue: 18, baselineParcels: 400, baselineLate: 28, baselineLateShare: 0.07, lateShare: 0.55, baseline: 'trailing' },
    });
    expect(alerts[0].measured.signals).toContain('late_share');
    expect(alerts[0].measured.lateZ).toBeGreaterThan(6);
    expect(alerts[0].title).toBe(`${carrier} standard: 55% of parcels late (usually 7%)`);
    // One alert, not two: the whole carrier speaks only where none of its services does.
    const items = (expectStatus(await h.server.api.get('/api/alerts?rule=carrier_delay&limit=500'), 200).body as { items: any[] }).items;
    expect(items.filter((a) => a.subject === `carrier:${carrier}`)).toEqual([]);

    // Three days on, parcels promised since arrive on time: the window holds no late ones; three clear rounds.
    await h.server.pool.query(`update shipments set status = 'delivered', delivered_at = promised_at + interval '1 day' where carrier = $1 and status = 'shipped'`, [carrier]);
    h.clock.advance(3 * DAY);
    await parcels(carrier, 'standard', before(2 * DAY), h.clock.now(), { count: 40, late: 2 });
    for (let i = 0; i < 3; i++) await h.round(engine, 60_000);
    expect(await liveCarrierAlerts(carrier)).toEqual([]);
  });

  it('opens from the first due batch: the parcels promised in the last 24 h that passed their promise undelivered, before the 48 h window says so', async () => {
    const carrier = unique('first-batch-parcel');
    const engine = h.engine({ rules: [carrierDelay] });
    // 28 days at 7% late; the window's first day normal (30 parcels, 2 late), its last day 7 of 12 overdue.
    await parcels(carrier, 'express', before(30 * DAY), before(2 * DAY), { count: 400, late: 28 });
    await parcels(carrier, 'express', before(2 * DAY), before(DAY), { count: 30, late: 2 });
    await parcels(carrier, 'express', before(DAY), h.clock.now(), { count: 12, overdue: 7 });
    await h.round(engine, 60_000);
    const alerts = await liveCarrierAlerts(carrier);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      subject: `carrier:${carrier}:express`,
      severity: 'critical',
      measured: { recentParcels: 42, recentLate: 9, dueParcels: 12, dueLate: 7, dueShare: 0.583, signals: ['due_batch'] },
    });
    // Held to the same weekdays' share of the baseline (7% on each, give or take a parcel).
    expect(alerts[0].measured.dueBaselineShare).toBeCloseTo(0.07, 2);
    expect(alerts[0].measured.lateZ).toBeLessThan(4);
    expect(alerts[0].measured.dueZ).toBeGreaterThan(6);
    expect(alerts[0].title).toBe(`${carrier} express: 58% of parcels due in the last 24 h passed their promise undelivered (usually 7%)`);
  });

  it('sums a carrier’s services (subject carrier:<name>) when each service’s due batch is too small alone', async () => {
    const carrier = unique('whole-parcel');
    const engine = h.engine({ rules: [carrierDelay] });
    for (const service of ['standard', 'express'] as const) {
      await parcels(carrier, service, before(30 * DAY), before(2 * DAY), { count: 300, late: 21 });
      await parcels(carrier, service, before(DAY), h.clock.now(), { count: 8, overdue: 5 });
    }
    await h.round(engine, 60_000);
    expect(await liveCarrierAlerts(carrier)).toEqual([]);
    const items = (expectStatus(await h.server.api.get('/api/alerts?rule=carrier_delay&limit=500'), 200).body as { items: any[] }).items;
    const whole = items.filter((a) => a.state !== 'resolved' && a.subject === `carrier:${carrier}`);
    expect(whole).toHaveLength(1);
    expect(whole[0]).toMatchObject({ affected: { carrier, service: null, ordersTotal: 4 }, measured: { dueParcels: 16, dueLate: 10, baselineParcels: 600 } });
  });

  it('stays silent on a due batch as late as its weekday usually is (parcels due on the window’s weekdays run late every week)', async () => {
    const carrier = unique('weekday-parcel');
    const engine = h.engine({ rules: [carrierDelay] });
    // Four weeks: the weekdays of the last 24 h 40% late, the other days 5%.
    for (let k = 1; k <= 4; k++) {
      await parcels(carrier, 'standard', before(7 * k * DAY + DAY), before(7 * k * DAY), { count: 30, late: 12 });
      await parcels(carrier, 'standard', before(7 * k * DAY), before(k === 1 ? 2 * DAY : 7 * (k - 1) * DAY + DAY), { count: k === 1 ? 125 : 150, late: k === 1 ? 6 : 7 });
    }
    await parcels(carrier, 'standard', before(DAY), h.clock.now(), { count: 20, overdue: 8 });
    for (let i = 0; i < 2; i++) await h.round(engine, 60_000);
    expect(await liveCarrierAlerts(carrier)).toEqual([]);
  });

  it('stays silent on a steady carrier with its usual late share, and on a handful of late parcels', async () => {
    const engine = h.engine({ rules: [carrierDelay] });
    const steady = unique('steady-parcel');
    await parcels(steady, 'standard', before(30 * DAY), before(2 * DAY), { count: 600, late: 60 });
    await parcels(steady, 'standard', before(2 * DAY), h.clock.now(), { count: 45, overdue: 3, late: 3 });
    // 8 of 12 late: alarming as a share, but 12 parcels prove nothing.
    const small = unique('small-parcel');
    await parcels(small, 'express', before(30 * DAY), before(2 * DAY), { count: 150, late: 5 });
    await parcels(small, 'express', before(2 * DAY), h.clock.now(), { count: 12, overdue: 8 });
    for (let i = 0; i < 3; i++) await h.round(engine, 60_000);
    expect(await liveCarrierAlerts(steady)).toEqual([]);
    expect(await liveCarrierAlerts(small)).toEqual([]);
  });

  it('once open, holds while z stays above clearZ (no flapping); the same figures would not open it', async () => {
    const engine = h.engine({ rules: [carrierDelay] });
    const carrier = unique('wobbly-parcel');
    // 5% late over 28 days; 30 of 100 (30%) late in the window: z ≈ 10.
    await parcels(carrier, 'standard', before(30 * DAY), before(2 * DAY), { count: 1_000, late: 50 });
    await parcels(carrier, 'standard', before(2 * DAY), h.clock.now(), { count: 100, late: 30 });
    await h.round(engine, 60_000);
    expect(await liveCarrierAlerts(carrier)).toHaveLength(1);
    // More on-time parcels in the window: 30 of 300 (10%, 5 points over the baseline with minLift at 2), z about 3
    // (each weekday's 5% rests on its own 143 parcels, an uncertainty that counts against 300).
    await h.server.pool.query(`update alert_rules set thresholds = thresholds || '{"minLift": 0.02}' where rule = 'carrier_delay'`);
    await parcels(carrier, 'standard', before(2 * DAY), h.clock.now(), { count: 200 });
    await h.round(engine, 60_000);
    const [held] = await liveCarrierAlerts(carrier);
    expect(held.seenCount).toBe(2);
    expect(held.measured.lateZ).toBeGreaterThan(2);
    expect(held.measured.lateZ).toBeLessThan(4);
    await h.server.pool.query(`update alerts set state = 'resolved', resolved_at = $1, resolve_reason = 'test' where id = $2`, [before(30 * DAY), held.id]);
    await h.round(engine, 60_000);
    expect(await liveCarrierAlerts(carrier)).toEqual([]);
    await h.server.pool.query(`update alert_rules set thresholds = thresholds - 'minLift' where rule = 'carrier_delay'`);
  });

  describe('a carrier with little baseline of its own is judged against the other carriers’ late share (same service, same weekdays)', () => {
    // By now this file's other carriers have thousands of parcels of both services, 3–10% late.
    it('opens on a slowed due batch of a carrier that carried 7 parcels before it', async () => {
      const carrier = unique('young-slow-parcel');
      const engine = h.engine({ rules: [carrierDelay] });
      await parcels(carrier, 'express', before(9 * DAY), before(2 * DAY), { count: 7, late: 1 });
      await parcels(carrier, 'express', before(2 * DAY), before(DAY), { count: 21, late: 4 });
      await parcels(carrier, 'express', before(DAY), h.clock.now(), { count: 19, overdue: 12 });
      await h.round(engine, 60_000);
      const alerts = await liveCarrierAlerts(carrier);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({
        subject: `carrier:${carrier}:express`,
        severity: 'critical',
        measured: { baseline: 'network', baselineParcels: 7, priorParcels: 30, dueParcels: 19, dueLate: 12 },
      });
      expect(alerts[0].measured.signals).toContain('due_batch');
      expect(alerts[0].measured.priorShare).toBeLessThan(0.15);
      expect(alerts[0].measured.dueZ).toBeGreaterThan(4);
      expect(alerts[0].detail).toContain('beside the other carriers');
    });

    it('stays silent on a carrier without a baseline whose parcels are as late as the others’', async () => {
      const carrier = unique('young-steady-parcel');
      const engine = h.engine({ rules: [carrierDelay] });
      await parcels(carrier, 'standard', before(9 * DAY), before(2 * DAY), { count: 7 });
      await parcels(carrier, 'standard', before(2 * DAY), before(DAY), { count: 25, late: 2 });
      await parcels(carrier, 'standard', before(DAY), h.clock.now(), { count: 22, overdue: 2 });
      for (let i = 0; i < 2; i++) await h.round(engine, 60_000);
      expect(await liveCarrierAlerts(carrier)).toEqual([]);
    });

    it('stays silent on a carrier usually later than the others, by its baseline of its own', async () => {
      const carrier = unique('late-regional-parcel');
      const engine = h.engine({ rules: [carrierDelay] });
      // 35% late for four weeks and in the window, every weekday: the others' 3–10% is no measure of it.
      await parcels(carrier, 'standard', before(30 * DAY), before(2 * DAY), { count: 600, late: 210 });
      await parcels(carrier, 'standard', before(2 * DAY), before(DAY), { count: 40, late: 14 });
      await parcels(carrier, 'standard', before(DAY), h.clock.now(), { count: 40, overdue: 14 });
      for (let i = 0; i < 2; i++) await h.round(engine, 60_000);
      expect(await liveCarrierAlerts(carrier)).toEqual([]);
      const items = (expectStatus(await h.server.api.get('/api/alerts?rule=carrier_delay&limit=500'), 200).body as { items: any[] }).items;
      expect(items.filter((a) => a.state !== 'resolved' && a.subject === `carrier:${carrier}`)).toEqual([]);
    });
  });

  it('refuses a clear threshold above the raise one, and an unknown threshold, naming the field', async () => {
    const crossed = await h.server.api.patch('/api/alert-rules/carrier_delay', { thresholds: { raiseZ: 2, clearZ: 3 } });
    expect(crossed.status).toBe(422);
    expect((crossed.body as { errors: { path: string }[] }).errors).toEqual([{ path: 'thresholds.clearZ', message: 'must not be above raiseZ' }]);
    const unknown = await h.server.api.patch('/api/alert-rules/carrier_delay', { thresholds: { lateDays: 2 } });
    expect((unknown.body as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['thresholds.lateDays']);
  });
});
