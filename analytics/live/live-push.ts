import type { Logger } from 'pino';
import type { OutboxEvent } from '#analytics/relay/event-row.ts';
import { toOrderEventRow } from '#analytics/relay/event-row.ts';
import type { RelayBatch } from '#analytics/relay/relay.ts';
import type { EventType } from '#server/core/events.ts';
import type { KpiSnapshot, OrderEventMessage, RealtimeHub } from '#server/realtime/realtime-hub.ts';

/** The window a live KPI snapshot covers. */
export interface KpiWindow {
  from: Date;
  to: Date;
}

/**
 * Computes the KPI snapshot for a window, from ClickHouse: in Tower,
 * `(window) => computeKpis(clickhouse, window)` (analytics/kpis/compute-kpis.ts).
 */
export type LiveKpis = (window: KpiWindow) => Promise<KpiSnapshot>;

/** Where relayed batches come from: a relay handle (or `relayEvents`, for every relay of the process). */
export interface BatchSource {
  on(event: 'batch', listener: (batch: RelayBatch) => void): unknown;
  off(event: 'batch', listener: (batch: RelayBatch) => void): unknown;
}

export interface LivePushOptions {
  hub: Pick<RealtimeHub, 'emitOrderEvent' | 'emitKpis'>;
  relay: BatchSource;
  logger: Logger;
  /** KPI snapshots are published only with this; without it, order events only. */
  kpis?: LiveKpis;
  /** At most one `kpis` snapshot per this many ms (1 s by default, per the contract). */
  intervalMs?: number;
  /** The snapshot covers [now - windowMs, now]: the last 24 hours by default. */
  windowMs?: number;
  /**
   * Events that occurred longer ago than this when relayed are not pushed one by one (a
   * backlog drained after an outage, a new ClickHouse fed from the first event): each push is
   * one NOTIFY on the shared pool, and hundreds of thousands of stale events would starve the
   * API. The KPI snapshot still counts them. 60 s by default.
   */
  maxEventAgeMs?: number;
  /**
   * While the relay drains a backlog (the latest batch held only events older than
   * `maxEventAgeMs`), snapshots are spaced by this instead of `intervalMs`: each one is a
   * 24-hour KPI query on the same cores as the relay's inserts, and the figures move anyway
   * until the backlog is in. A batch with a fresh event returns to `intervalMs` at once.
   * 5 s by default.
   */
  backlogIntervalMs?: number;
  now?: () => number;
}

export interface LivePush {
  /** Order events pushed and stale ones skipped, snapshots published and failed, since the start. */
  stats(): { events: number; skipped: number; snapshots: number; snapshotFailures: number };
  /** Stops listening; a snapshot being computed is not published. */
  stop(): Promise<void>;
}

export const LIVE_KPI_WINDOW_MS = 24 * 3_600_000;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Live push: when the relay has inserted a batch into ClickHouse, every order event of that
 * batch goes to socket.io room `orders` as `order:event` (so clients see exactly what
 * ClickHouse holds), and a `kpis` snapshot of the last 24 hours follows: the first batch after
 * a quiet spell is answered at once, further batches at most once per `intervalMs` (one
 * trailing snapshot covers all that arrived meanwhile; `backlogIntervalMs` while a backlog of
 * stale events drains), nothing while no batch arrives.
 *
 * Only the leading relay of a ClickHouse store emits batches, so with several instances each
 * event is pushed once, and the cluster adapter carries it to every instance's clients.
 */
export function startLivePush(options: LivePushOptions): LivePush {
  const { hub, relay } = options;
  const logger = options.logger.child({ component: 'live-push' });
  const intervalMs = options.intervalMs ?? 1_000;
  const windowMs = options.windowMs ?? LIVE_KPI_WINDOW_MS;
  const maxEventAgeMs = options.maxEventAgeMs ?? 60_000;
  const backlogIntervalMs = Math.max(intervalMs, options.backlogIntervalMs ?? 5_000);
  const now = options.now ?? Date.now;
  const counters = { events: 0, skipped: 0, snapshots: 0, snapshotFailures: 0 };

  let stopped = false;
  let dirty = false;
  let timer: NodeJS.Timeout | null = null;
  /** The spacing `timer` was set with. */
  let timerSpacing = intervalMs;
  /** The latest batch held stale events only (a backlog being drained). */
  let draining = false;
  let computing: Promise<void> | null = null;
  let lastPublishedAt = Number.NEGATIVE_INFINITY;

  function onBatch(batch: RelayBatch): void {
    if (stopped) return;
    const oldest = now() - maxEventAgeMs;
    let skipped = 0;
    for (const event of batch.events) {
      if (event.occurredAt.getTime() < oldest) {
        skipped += 1;
        continue;
      }
      hub.emitOrderEvent(toOrderEventMessage(event));
      counters.events += 1;
    }
    if (skipped > 0) {
      counters.skipped += skipped;
      logger.info({ skipped, fromId: batch.fromId, toId: batch.toId }, 'stale order events relayed (backlog); not pushed one by one');
    }
    if (options.kpis && batch.events.length > 0) {
      draining = skipped === batch.events.length;
      dirty = true;
      // A fresh event after a backlog: the snapshot waiting at the backlog's spacing comes sooner.
      if (timer && !draining && timerSpacing > intervalMs) {
        clearTimeout(timer);
        timer = null;
      }
      schedule();
    }
  }

  function schedule(): void {
    if (stopped || !dirty || timer || computing) return;
    timerSpacing = draining ? backlogIntervalMs : intervalMs;
    const wait = Math.max(0, lastPublishedAt + timerSpacing - now());
    timer = setTimeout(() => {
      timer = null;
      computing = publish().finally(() => {
        computing = null;
        schedule();
      });
    }, wait);
  }

  async function publish(): Promise<void> {
    dirty = false;
    const to = new Date(now());
    const window = { from: new Date(to.getTime() - windowMs), to };
    try {
      const snapshot = await options.kpis!(window);
      if (stopped) return;
      // Plain JSON (dates as ISO strings), the same whether it goes straight to a socket or through the cluster adapter.
      hub.emitKpis(JSON.parse(JSON.stringify(snapshot)) as KpiSnapshot);
      counters.snapshots += 1;
    } catch (error) {
      counters.snapshotFailures += 1;
      // Not retried on its own: the next batch asks again (and the spacing below still holds).
      logger.warn({ err: error }, 'could not compute the live KPI snapshot');
    } finally {
      lastPublishedAt = now();
    }
  }

  relay.on('batch', onBatch);
  return {
    stats: () => ({ ...counters }),
    async stop() {
      stopped = true;
      relay.off('batch', onBatch);
      if (timer) clearTimeout(timer);
      timer = null;
      await computing;
    },
  };
}

/**
 * An outbox event as pushed to clients: the contract's `eventId` (the event's uuid),
 * `type`, `orderId`, `occurredAt`, then `sequence` (the outbox id, the order of events) and the
 * typed fields ClickHouse keeps for it (same derivation: analytics/relay/event-row.ts); a
 * field the event does not carry is null.
 */
export function toOrderEventMessage(event: OutboxEvent): OrderEventMessage {
  const row = toOrderEventRow(event);
  const text = (value: unknown) => (typeof value === 'string' && value !== '' && value !== NIL_UUID ? value : null);
  const type = event.type as EventType;
  const hasAmount = type === 'order.placed' || type === 'order.cancelled' || type.startsWith('payment.');
  return {
    eventId: event.eventId,
    type,
    orderId: event.aggregateType === 'order' ? event.aggregateId : null,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    occurredAt: event.occurredAt.toISOString(),
    sequence: event.id,
    channel: text(row.channel),
    currency: text(row.currency),
    status: text(row.status),
    fromStatus: text(row.from_status),
    locationId: text(row.location_id),
    amountCents: hasAmount ? (row.amount_cents as number) : null,
    units: row.units as number,
  };
}
