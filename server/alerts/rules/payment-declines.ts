import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { commonThresholds, defineRule } from '../alert-rule.ts';
import { oneProportionZ, twoProportionZ } from '../proportion-test.ts';

const Thresholds = z
  .strictObject({
    /** The recent window whose decline rate is tested. */
    windowMinutes: z.number().int().min(1).max(1_440).default(15),
    /** The trailing baseline just before the window. */
    baselineHours: z.number().int().min(1).max(24 * 30).default(24),
    /** Fewer attempts than this in the window prove nothing: no alert. */
    minAttempts: z.number().int().min(1).max(1_000_000).default(30),
    /** Below this many baseline attempts, the window is tested against `fallbackRate` instead. */
    minBaselineAttempts: z.number().int().min(1).max(1_000_000).default(100),
    fallbackRate: z.number().gt(0).lt(1).default(0.1),
    /** The rise must also matter: at least this many points above the baseline rate (0.05 = 5 points). */
    minLift: z.number().min(0).max(1).default(0.05),
    /** z from which an alert opens… */
    raiseZ: z.number().positive().max(100).default(3),
    /** …and under which a live one counts as clear (hysteresis). */
    clearZ: z.number().min(0).max(100).default(2),
    criticalZ: z.number().positive().max(100).default(6),
    ...commonThresholds,
  })
  .refine((t) => t.clearZ <= t.raiseZ, { path: ['clearZ'], message: 'must not be above raiseZ' });

interface Counts extends Record<string, unknown> {
  recent_attempts: number;
  recent_declines: number;
  baseline_attempts: number;
  baseline_declines: number;
}

/**
 * Card declines spiking against their own trailing baseline (a provider outage, a fraud wave, a
 * broken checkout). Attempts are order captures through POST /api/orders as the audit log
 * records them: 201 placed, 402 declined (a declined payment writes no order and no event, and
 * its audit entry is its only trace). Dated requests (x-tower-as-of) count at their moment.
 */
export const paymentDeclines = defineRule({
  key: 'payment_declines',
  description: 'The payment decline rate of the last minutes is significantly above its trailing baseline',
  defaultSeverity: 'warning',
  thresholds: Thresholds,
  async evaluate({ db, now, thresholds: t, live, severity }) {
    const windowFrom = new Date(now.getTime() - t.windowMinutes * 60_000);
    const baselineFrom = new Date(windowFrom.getTime() - t.baselineHours * 3_600_000);
    // occurred_at (when Tower saw the request) is never before the request's moment: the index bounds the scan.
    const result = await db.execute<Counts>(sql`
      select
        count(*) filter (where at >= ${windowFrom})::int as recent_attempts,
        count(*) filter (where at >= ${windowFrom} and status = 402)::int as recent_declines,
        count(*) filter (where at < ${windowFrom})::int as baseline_attempts,
        count(*) filter (where at < ${windowFrom} and status = 402)::int as baseline_declines
      from (
        select status, coalesce((detail ->> 'asOf')::timestamptz, occurred_at) as at
        from audit_log
        where occurred_at >= ${baselineFrom} and method = 'POST' and path = '/api/orders' and status in (201, 402)
      ) attempts
      where at >= ${baselineFrom} and at < ${now}`);
    const c = result.rows[0]!;
    if (c.recent_attempts < t.minAttempts) return [];
    const rate = c.recent_declines / c.recent_attempts;
    const fromBaseline = c.baseline_attempts >= t.minBaselineAttempts;
    const baselineRate = fromBaseline ? c.baseline_declines / c.baseline_attempts : t.fallbackRate;
    const z = fromBaseline
      ? twoProportionZ(c.recent_declines, c.recent_attempts, c.baseline_declines, c.baseline_attempts)
      : oneProportionZ(c.recent_declines, c.recent_attempts, t.fallbackRate);
    const subject = 'network';
    const threshold = live.has(subject) ? t.clearZ : t.raiseZ;
    if (z < threshold || rate - baselineRate < t.minLift) return [];
    const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
    return [
      {
        subject,
        severity: z >= t.criticalZ ? 'critical' : severity,
        title: `Payment declines at ${pct(rate)} over ${t.windowMinutes} min (usually ${pct(baselineRate)})`,
        detail:
          `${c.recent_declines} of ${c.recent_attempts} order payments declined in the last ${t.windowMinutes} min against ` +
          `${fromBaseline ? `${c.baseline_declines} of ${c.baseline_attempts} in the ${t.baselineHours} h before` : `an expected ${pct(t.fallbackRate)} (too little baseline)`}; z = ${z.toFixed(1)}.`,
        locationId: null,
        affected: { channel: 'all', attempts: c.recent_attempts, declines: c.recent_declines },
        measured: {
          rate,
          baselineRate,
          z: Number(z.toFixed(3)),
          recentAttempts: c.recent_attempts,
          recentDeclines: c.recent_declines,
          baselineAttempts: c.baseline_attempts,
          baselineDeclines: c.baseline_declines,
          baseline: fromBaseline ? 'trailing' : 'fallback',
        },
      },
    ];
  },
});
