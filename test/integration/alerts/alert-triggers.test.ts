import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesTriggeredBy } from '#server/alerts/alert-triggers.ts';
import { createLocation, expectStatus } from '#test/support/factories.ts';
import { finding, scriptedRule, startAlertHarness, type AlertHarness } from './alert-harness.ts';

/** Rules evaluated soon after an event, besides the interval: debounced, spaced, one round at a time. */
let h: AlertHarness;
beforeAll(async () => {
  h = await startAlertHarness('alert_triggers');
});
afterAll(() => h.close());

async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('event-triggered evaluation', () => {
  it('maps event types to the rules they concern (every batch wakes pipeline_lag)', () => {
    expect(rulesTriggeredBy(['order.shipped'])).toEqual(new Set(['stuck_orders', 'pipeline_lag', 'backlog_growth', 'carrier_delay', 'promise_breach_risk']));
    expect(rulesTriggeredBy([])).toEqual(new Set(['pipeline_lag']));
  });

  it('events dated more than an hour before the engine\'s clock trigger nothing (a backfill\'s history); recent ones in the same batch still do', () => {
    const now = new Date('2026-03-02T12:00:00Z');
    const history = { type: 'order.shipped', occurredAt: new Date('2026-02-20T15:00:00Z') };
    expect(rulesTriggeredBy([history, { ...history, type: 'order.placed' }], { now })).toEqual(new Set());
    expect(rulesTriggeredBy([{ type: 'order.shipped', occurredAt: new Date(now.getTime() - 59 * 60_000) }], { now })).toEqual(
      new Set(['stuck_orders', 'pipeline_lag', 'backlog_growth', 'carrier_delay', 'promise_breach_risk']),
    );
    expect(rulesTriggeredBy([history, { type: 'inventory.adjusted', occurredAt: now.toISOString() }], { now })).toEqual(new Set(['pipeline_lag', 'inventory_integrity', 'stock_out_risk']));
    // Without the engine's clock nothing is left out.
    expect(rulesTriggeredBy([history]).has('carrier_delay')).toBe(true);
  });

  it('a capacity change of a location (its location.updated outbox event) wakes backlog_growth and promise_breach_risk; other changes of it do not', async () => {
    const location = await createLocation(h.server.api);
    expectStatus(await h.server.api.patch(`/api/locations/${location.id}`, { dailyCapacity: 200 }), 200);
    expectStatus(await h.server.api.patch(`/api/locations/${location.id}`, { name: 'Renamed warehouse' }), 200);
    const { rows } = await h.server.pool.query(
      `select type, occurred_at as "occurredAt", payload from outbox where aggregate_id = $1 and type = 'location.updated' order by id`,
      [location.id],
    );
    expect(rows).toHaveLength(2);
    const now = h.clock.now();
    expect(rulesTriggeredBy([rows[0]], { now })).toEqual(new Set(['pipeline_lag', 'backlog_growth', 'promise_breach_risk']));
    expect(rulesTriggeredBy([rows[1]], { now })).toEqual(new Set(['pipeline_lag']));
  });

  it('a burst of triggers runs the rule once, soon; triggers within its spacing wait for the next due moment', async () => {
    const { rule, state } = scriptedRule('triggered_rule');
    const other = scriptedRule('untriggered_rule');
    // An interval far longer than the test: only triggers evaluate here.
    const engine = h.engine({ rules: [rule, other.rule], intervalMs: 600_000 });
    state.found = [finding('network')];
    engine.trigger(['triggered_rule']);
    expect(state.calls).toBe(0);
    engine.start();
    for (let i = 0; i < 5; i++) engine.trigger(['triggered_rule', 'no_such_rule']);
    await eventually(() => state.calls === 1);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(state.calls).toBe(1);
    expect(other.state.calls).toBe(0);
    const alerts = (await h.server.api.get('/api/alerts?rule=triggered_rule')).body as { items: unknown[] };
    expect(alerts.items).toHaveLength(1);

    // Evaluated moments ago: spacing (half the interval) holds it back…
    engine.trigger(['triggered_rule']);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(state.calls).toBe(1);
    // …until it is due again.
    h.clock.advance(300_000);
    engine.trigger(['triggered_rule']);
    await eventually(() => state.calls === 2);
    await engine.stop();
  });
});
