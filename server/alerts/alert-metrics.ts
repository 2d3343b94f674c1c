import { Counter, Histogram, type Registry } from 'prom-client';

export interface AlertMetrics {
  /** `alerts_opened_total{rule,severity}` */
  opened: Counter<'rule' | 'severity'>;
  /** `alert_time_to_acknowledge_seconds{rule}`: opened → first acknowledged. */
  timeToAcknowledge: Histogram<'rule'>;
  /** `alert_time_to_resolve_seconds{rule,by}`: opened → resolved, `by` auto or user. */
  timeToResolve: Histogram<'rule' | 'by'>;
}

const BUCKETS = [10, 30, 60, 120, 300, 600, 1_800, 3_600, 7_200, 14_400, 43_200, 86_400];
/** One set per registry: the routes and the engine of one app share it. */
const byRegistry = new WeakMap<Registry, AlertMetrics>();

export function alertMetrics(registry: Registry): AlertMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    const registers = [registry];
    metrics = {
      opened: new Counter({ name: 'alerts_opened_total', help: 'Alerts opened (or reopened), by rule and severity', labelNames: ['rule', 'severity'], registers }),
      timeToAcknowledge: new Histogram({
        name: 'alert_time_to_acknowledge_seconds',
        help: 'Seconds from an alert opening to its acknowledgement, by rule',
        labelNames: ['rule'],
        buckets: BUCKETS,
        registers,
      }),
      timeToResolve: new Histogram({
        name: 'alert_time_to_resolve_seconds',
        help: 'Seconds from an alert opening to its resolution, by rule and by whom (auto: the condition cleared; user)',
        labelNames: ['rule', 'by'],
        buckets: BUCKETS,
        registers,
      }),
    };
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
