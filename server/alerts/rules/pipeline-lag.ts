import { z } from 'zod';
import { commonThresholds, defineRule } from '../alert-rule.ts';

/**
 * The outbox relay is behind: live KPIs, forecasts and ClickHouse-fed rules see the past.
 * Raised at `raiseSeconds`, kept until the lag is under `clearSeconds` (separate thresholds, so
 * a lag hovering at the raise threshold opens one alert and does not flap).
 */
export const pipelineLag = defineRule({
  key: 'pipeline_lag',
  description: 'The outbox relay (PostgreSQL → ClickHouse) lags behind',
  defaultSeverity: 'warning',
  thresholds: z.strictObject({
    raiseSeconds: z.number().positive().max(86_400).default(60),
    clearSeconds: z.number().min(0).max(86_400).default(15),
    criticalSeconds: z.number().positive().max(86_400).default(600),
    ...commonThresholds,
  }).refine((t) => t.clearSeconds <= t.raiseSeconds, { path: ['clearSeconds'], message: 'must not be above raiseSeconds' }),
  async evaluate({ thresholds, live, severity, relayLagMs }) {
    const lagMs = relayLagMs();
    // No relay in this process: nothing measured, the live alert (if any) stays as it is.
    if (lagMs === null) return null;
    const seconds = lagMs / 1000;
    const subject = 'network';
    const over = live.has(subject) ? seconds >= thresholds.clearSeconds : seconds >= thresholds.raiseSeconds;
    if (!over) return [];
    return [
      {
        subject,
        severity: seconds >= thresholds.criticalSeconds ? 'critical' : severity,
        title: `The analytics pipeline is ${Math.round(seconds)} s behind`,
        detail: `Outbox events wait ${Math.round(seconds)} s before ClickHouse has them (raised at ${thresholds.raiseSeconds} s, clears under ${thresholds.clearSeconds} s): live KPIs and analytics-fed alerts lag by as much.`,
        locationId: null,
        affected: { pipeline: 'relay' },
        measured: { lagMs, raiseSeconds: thresholds.raiseSeconds, clearSeconds: thresholds.clearSeconds },
      },
    ];
  },
});
