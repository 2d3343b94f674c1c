import { describe, expect, it } from 'vitest';
import { alertTransitions, assertAlertTransition } from '#server/alerts/alert-state.ts';
import { allRules } from '#server/alerts/rules/all-rules.ts';

describe('alert rules', () => {
  it('each has a unique key and complete defaults, with clearRounds for hysteresis', () => {
    expect(new Set(allRules.map((r) => r.key)).size).toBe(allRules.length);
    for (const rule of allRules) {
      const defaults = rule.thresholds.parse({}) as { clearRounds: number; everySeconds: number };
      expect(defaults.clearRounds, rule.key).toBe(3);
      expect(defaults.everySeconds, rule.key).toBeGreaterThanOrEqual(0);
    }
  });

  it('rules that scan history run every minute or few by default, the others every round', () => {
    expect(allRules.map((r) => [r.key, (r.thresholds.parse({}) as { everySeconds: number }).everySeconds])).toEqual([
      ['stuck_orders', 0],
      ['payment_declines', 0],
      ['pipeline_lag', 0],
      ['inventory_integrity', 60],
      ['backlog_growth', 30],
      ['carrier_delay', 60],
      ['stock_out_risk', 30],
      ['return_rate_spike', 300],
      ['promise_breach_risk', 30],
    ]);
  });

  it('refuse thresholds they do not know and clear thresholds above raise ones', () => {
    const lag = allRules.find((r) => r.key === 'pipeline_lag')!;
    expect(lag.thresholds.safeParse({ raiseSeconds: 30, clearSeconds: 40 }).error?.issues[0]?.path).toEqual(['clearSeconds']);
    expect(lag.thresholds.safeParse({ lagSeconds: 30 }).success).toBe(false);
  });
});

describe('alert transitions', () => {
  it('are a table: resolved is final for people, acknowledged may be reassigned', () => {
    expect(alertTransitions).toEqual({ open: ['acknowledged', 'resolved'], acknowledged: ['acknowledged', 'resolved'], resolved: ['open'] });
    expect(() => assertAlertTransition('resolved', 'resolved')).toThrow(/cannot become 'resolved'/);
    expect(() => assertAlertTransition('open', 'acknowledged')).not.toThrow();
  });
});
