import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesTriggeredBy } from '#server/alerts/alert-triggers.ts';
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
