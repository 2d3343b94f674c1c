import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Outcome of one relay batch: inserted into ClickHouse and acknowledged, or not (it is retried). */
export type RelayBatchOutcome = 'ok' | 'failed';

/**
 * Every metric Tower exposes at `GET /metrics`, on one registry per app instance (never
 * prom-client's global one: tests run several servers in one process). Components update
 * the typed handles here; one that needs a metric of its own registers it on `registry`
 * (`new Counter({ ..., registers: [metrics.registry] })`).
 */
export interface Metrics {
  readonly registry: Registry;
  /** `http_request_duration_seconds{method,route,status}`; `route` is the matched pattern (`/api/orders/:id`), never the raw path. */
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  /** `orders_placed_total{channel}`: orders created (a repeated request that returns an earlier order does not count). */
  readonly ordersPlaced: Counter<'channel'>;
  /** `socketio_connections`: sockets connected to this instance, read at each scrape (see `countConnectionsWith`). */
  readonly socketioConnections: Gauge;
  /** The outbox relay's metrics (analytics/relay updates them). */
  readonly relay: {
    /** `relay_batches_total{outcome}`: batches read from the outbox, by `RelayBatchOutcome`. */
    readonly batches: Counter<'outcome'>;
    /** `relay_events_total`: outbox events inserted into ClickHouse and acknowledged. */
    readonly events: Counter;
    /** `relay_lag_ms`: age of the oldest outbox event not yet relayed (0 when caught up). */
    readonly lagMs: Gauge;
    /** `clickhouse_insert_seconds`: duration of one batch insert into ClickHouse. */
    readonly clickhouseInsertSeconds: Histogram;
  };
  /** Where `socketio_connections` reads its value (the realtime hub's `connectionCount`, attached after the app). */
  countConnectionsWith(count: () => number): void;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop lag, GC, handles); on by default. */
  defaultMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let connections: () => number = () => 0;

  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by method, matched route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    ordersPlaced: new Counter({
      name: 'orders_placed_total',
      help: 'Orders placed, by sales channel',
      labelNames: ['channel'],
      registers,
    }),
    socketioConnections: new Gauge({
      name: 'socketio_connections',
      help: 'socket.io clients connected to this instance',
      registers,
      collect() {
        this.set(connections());
      },
    }),
    relay: {
      batches: new Counter({
        name: 'relay_batches_total',
        help: 'Outbox batches the relay processed, by outcome (ok: inserted into ClickHouse and acknowledged; failed: retried later)',
        labelNames: ['outcome'],
        registers,
      }),
      events: new Counter({
        name: 'relay_events_total',
        help: 'Outbox events inserted into ClickHouse and acknowledged',
        registers,
      }),
      lagMs: new Gauge({
        name: 'relay_lag_ms',
        help: 'Age in milliseconds of the oldest outbox event not yet relayed (0 when caught up)',
        registers,
      }),
      clickhouseInsertSeconds: new Histogram({
        name: 'clickhouse_insert_seconds',
        help: 'Duration of one batch insert into ClickHouse, in seconds',
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers,
      }),
    },
    countConnectionsWith(count) {
      connections = count;
    },
  };
}
