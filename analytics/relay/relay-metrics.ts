import type { RelayBatch, RelayHandle } from './relay.ts';

/** What the relay reports to (the shape of server/metrics' `metrics.relay`). */
export interface RelayMetricSinks {
  batches: { inc(labels: { outcome: 'ok' | 'failed' }): void };
  events: { inc(value: number): void };
  lagMs: { set(value: number): void };
  clickhouseInsertSeconds: { observe(value: number): void };
}

/**
 * Feeds a relay's batches, failures and lag into metrics; the lag gauge is refreshed every
 * `lagEveryMs` (it grows while nothing happens, e.g. with ClickHouse down). Returns a
 * function that stops reporting.
 */
export function reportRelayMetrics(relay: RelayHandle, sinks: RelayMetricSinks, lagEveryMs = 1_000): () => void {
  const onBatch = (batch: RelayBatch) => {
    sinks.batches.inc({ outcome: 'ok' });
    sinks.events.inc(batch.events.length);
    sinks.clickhouseInsertSeconds.observe(batch.insertMs / 1_000);
    sinks.lagMs.set(relay.relayLagMs());
  };
  const onFailure = () => sinks.batches.inc({ outcome: 'failed' });
  relay.on('batch', onBatch);
  relay.on('failure', onFailure);
  const timer = setInterval(() => sinks.lagMs.set(relay.relayLagMs()), lagEveryMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    relay.off('batch', onBatch);
    relay.off('failure', onFailure);
  };
}
