import type pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from '#db/client.ts';
import { createClickHouse, ensureClickHouseDatabase, type ClickHouseClient, type ClickHouseOptions } from './clickhouse/client.ts';
import { migrateClickHouse } from './clickhouse/migrate.ts';
import { lastOutboxId } from './relay/progress.ts';
import { runRelay, type RelayHandle } from './relay/relay.ts';

export interface AnalyticsOptions {
  clickhouse: ClickHouseOptions;
  db: Database;
  pool: pg.Pool;
  logger: Logger;
  relay: { enabled: boolean; batchSize: number; lingerMs: number };
}

export interface Analytics {
  /** For queries (KPIs, reconciliation); the relay has a connection of its own. */
  readonly clickhouse: ClickHouseClient;
  /** Resolves once the ClickHouse migrations are applied (they are retried until they are). */
  readonly ready: Promise<void>;
  /** The running relay, once started (after `ready`) and if enabled. */
  relay(): RelayHandle | null;
  /** For /api/health: ClickHouse answers and its migrations are applied. */
  healthCheck(): Promise<void>;
  /** Starts the relay as soon as ClickHouse is ready (call it once the HTTP server listens). */
  startRelay(onStart?: (relay: RelayHandle) => void): void;
  /**
   * Once the relay started by startRelay runs, waits until every event the outbox holds now is in
   * ClickHouse; answers that last id, or null when there is no relay (RELAY=off, stopping).
   */
  untilCaughtUp(timeoutMs: number): Promise<number | null>;
  /** Stops the relay (finishing its batch) and closes the ClickHouse connections. */
  stop(): Promise<void>;
}

/**
 * ClickHouse inside a Tower process. Opening the embedded engine fails at once (its folder
 * is taken, say); a ClickHouse server that is down does not stop Tower: PostgreSQL is the
 * source of truth, the outbox keeps every event, and the migrations and then the relay start
 * whenever the server answers. Until then /api/health reports clickhouse as failing.
 */
export function startAnalytics(options: AnalyticsOptions): Analytics {
  const logger = options.logger.child({ component: 'analytics' });
  const clickhouse = createClickHouse(options.clickhouse);
  const stopping = new AbortController();
  let lastError: Error | null = null;
  let migrated = false;
  let relay: RelayHandle | null = null;
  let relayClient: ClickHouseClient | null = null;
  /** Settles once startRelay's start has run (or was skipped): stop() waits for it. */
  let relayStarting: Promise<void> = Promise.resolve();

  const ready = (async () => {
    for (let attempt = 0, delay = 500; !stopping.signal.aborted; attempt += 1, delay = Math.min(delay * 2, 30_000)) {
      try {
        await ensureClickHouseDatabase(options.clickhouse);
        const applied = await migrateClickHouse(clickhouse, { pool: options.pool });
        migrated = true;
        lastError = null;
        logger.info({ engine: options.clickhouse.url ? 'server' : 'embedded', applied: applied.map((m) => `${m.version}_${m.name}`) }, 'ClickHouse ready, migrations applied');
        return;
      } catch (error) {
        lastError = error instanceof Error ? error : new Error(String(error));
        logger.error({ err: lastError, attempt, retryInMs: delay }, 'ClickHouse is not ready; retrying');
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, delay);
          stopping.signal.addEventListener('abort', () => (clearTimeout(timer), resolve(undefined)), { once: true });
        });
      }
    }
  })();

  return {
    clickhouse,
    ready,
    relay: () => relay,
    async healthCheck() {
      if (!migrated) throw new Error(`not ready${lastError ? `: ${lastError.message}` : ''}`);
      const result = await clickhouse.ping();
      if (!result.success) throw result.error;
    },
    startRelay(onStart) {
      if (!options.relay.enabled) {
        logger.info('relay off (RELAY=off): another process relays the outbox');
        return;
      }
      relayStarting = ready.then(() => {
        if (stopping.signal.aborted) return;
        relayClient = createClickHouse(options.clickhouse);
        relay = runRelay({
          db: options.db,
          pool: options.pool,
          clickhouse: relayClient,
          logger: options.logger,
          batchSize: options.relay.batchSize,
          lingerMs: options.relay.lingerMs,
          signal: stopping.signal,
        });
        onStart?.(relay);
      });
    },
    async untilCaughtUp(timeoutMs) {
      await relayStarting;
      if (!relay) return null;
      const last = await lastOutboxId(options.pool);
      if (last > 0) await relay.untilRelayed(last, timeoutMs);
      return last;
    },
    async stop() {
      stopping.abort();
      await ready;
      await relayStarting;
      await relay?.done;
      await relayClient?.close();
      await clickhouse.close();
    },
  };
}
