import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createClickHouse, type ClickHouseClient } from '#analytics/clickhouse/client.ts';
import { readProgress } from '#analytics/relay/progress.ts';
import { runRelay, type RelayBatchRange, type RelayHandle, type RelayOptions } from '#analytics/relay/relay.ts';
import { freePort } from '#test/support/free-port.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { orderBody, placedOrder, stockedProduct } from '#test/support/factories.ts';
import { maxOutboxId, memoryLogger, openTestClickHouse, rows, uniqueDatabase } from './clickhouse-fixture.ts';

let server: TestServer;
const relays: RelayHandle[] = [];
const { logger } = memoryLogger();

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await Promise.all(relays.map((relay) => relay.stop()));
  await server.close();
});

function relay(clickhouse: ClickHouseClient, options: Partial<RelayOptions> = {}): RelayHandle {
  const handle = runRelay({ db: server.db, pool: server.pool, clickhouse, logger, lingerMs: 0, ...options });
  relays.push(handle);
  return handle;
}

async function placeOrders(count: number) {
  const { product } = await stockedProduct(server.api, 100);
  for (let i = 0; i < count; i += 1) await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]));
}

/** A store caught up with the outbox, so that a test's batches hold only its own events. */
async function caughtUpStore() {
  const ch = await openTestClickHouse();
  const warmup = relay(ch.client);
  await warmup.untilRelayed(await maxOutboxId(server.pool));
  await warmup.stop();
  return ch;
}

/**
 * ClickHouse holds each outbox event up to `upTo` exactly once (counted without FINAL, so
 * a duplicate that merely waits for a merge would show), and the per-minute rollup, which
 * sums whatever reached it, counts every order event exactly once too.
 */
async function expectExactlyTheOutbox(client: ClickHouseClient, upTo: number) {
  const { rows: [outbox] } = await server.pool.query<{ n: string }>('select count(*)::text as n from outbox where id <= $1', [upTo]);
  const [stored] = await rows<Record<string, string>>(
    client,
    `SELECT
       (SELECT count() FROM order_events WHERE event_id <= {upTo:UInt64}) AS n,
       (SELECT uniqExact(event_id) FROM order_events WHERE event_id <= {upTo:UInt64}) AS distinct,
       (SELECT countIf(aggregate_type = 'order') FROM order_events) AS order_events,
       (SELECT sum(events) FROM kpi_minute) AS rollup_events`,
    { upTo },
  );
  expect(stored).toMatchObject({ n: outbox!.n, distinct: outbox!.n });
  expect(stored!.rollup_events).toBe(stored!.order_events);
}

describe('the relay, killed mid-batch', () => {
  it.each(['claimed', 'inserted', 'acknowledged'] as const)('after the batch is %s: the restarted relay relays every event exactly once', async (step) => {
    const ch = await caughtUpStore();
    await placeOrders(4);
    const upTo = await maxOutboxId(server.pool);

    const crash = new AbortController();
    let crashed: RelayBatchRange | undefined;
    const first = relay(ch.client, {
      batchSize: 5,
      signal: crash.signal,
      hooks: {
        onStep(at, batch) {
          if (at !== step || crashed || batch.events.length === 0) return;
          crashed = batch;
          crash.abort(); // the process is gone: nothing after this point runs
          throw new Error(`killed after the batch was ${at}`);
        },
      },
    });
    await first.done;
    expect(crashed).toBeDefined();
    const progress = await readProgress(server.pool, first.stats().target!);
    const inClickHouse = await rows<{ n: string }>(ch.client, 'SELECT count() AS n FROM order_events WHERE event_id > {from:UInt64} AND event_id <= {to:UInt64}', {
      from: crashed!.fromId,
      to: crashed!.toId,
    });
    if (step === 'acknowledged') {
      expect(progress).toMatchObject({ lastId: crashed!.toId, pendingTo: null });
    } else {
      // Claimed, not acknowledged: the next relay must send exactly this range again.
      expect(progress).toMatchObject({ lastId: crashed!.fromId, pendingTo: crashed!.toId });
      expect(inClickHouse[0]!.n).toBe(step === 'inserted' ? String(crashed!.events.length) : '0');
    }

    const restarted = relay(ch.client, { batchSize: 5 });
    await restarted.untilRelayed(upTo);
    await restarted.stop();
    await expectExactlyTheOutbox(ch.client, upTo);
    await ch.client.close();
  });

  it('SIGKILLed in its own process between the ClickHouse insert and the acknowledgement, then restarted', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tower-relay-child-'));
    const database = uniqueDatabase();
    const env = { DATABASE_URL: inject('databaseUrl'), DATA_DIR: dataDir, CLICKHOUSE_DATABASE: database };
    try {
      await placeOrders(2);
      const victim = spawnChild({ ...env, CRASH_AT: 'inserted' });
      const line = await victim.waitFor(/CRASH_POINT (\d+) (\d+)/);
      victim.child.kill('SIGKILL');
      await victim.exited;
      const [, fromId, toId] = line.match(/CRASH_POINT (\d+) (\d+)/)!.map(Number) as [number, number, number];
      expect(toId).toBeGreaterThan(fromId);

      const upTo = await maxOutboxId(server.pool);
      const survivor = spawnChild({ ...env, UNTIL_ID: String(upTo) });
      const counts = JSON.parse(await survivor.waitFor(/^\{.*\}$/m)) as Record<string, string>;
      expect(await survivor.exited).toBe(0);
      const { rows: [outbox] } = await server.pool.query<{ n: string }>('select count(*)::text as n from outbox where id <= $1', [upTo]);
      expect(counts).toMatchObject({ events: outbox!.n, distinct: outbox!.n });
      expect(counts.rollup_events).toBe(counts.order_events);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the relay with ClickHouse unavailable', () => {
  it('keeps its place while inserts fail, then drains the backlog once ClickHouse answers, even after a lost answer', async () => {
    const ch = await caughtUpStore();
    const outage = { mode: 'down' as 'up' | 'down' | 'lost-answer' };
    const handle = relay(withOutage(ch.client, outage), { retryMinMs: 10, retryMaxMs: 40 });
    await placeOrders(3);
    const upTo = await maxOutboxId(server.pool);

    await new Promise((resolve) => setTimeout(resolve, 400));
    const during = handle.stats();
    expect(during.failures).toBeGreaterThan(2);
    expect(during.lastFailure).toMatch(/^clickhouse: .*ECONNREFUSED/);
    expect(during.leader).toBe(true); // a ClickHouse outage is no reason to give up the lead
    expect(during.lastRelayedId).toBeLessThan(upTo);
    expect(handle.relayLagMs()).toBeGreaterThanOrEqual(300);

    // The insert lands but its answer is lost: the relay sends the batch again, ClickHouse drops it.
    outage.mode = 'lost-answer';
    await handle.untilRelayed(upTo);
    expect(outage.mode).toBe('up');
    await expectExactlyTheOutbox(ch.client, upTo);
    expect(handle.relayLagMs()).toBe(0);
    await handle.stop();
    await ch.client.close();
  });

  it('retries against a ClickHouse server that does not answer, without losing its PostgreSQL session', async () => {
    const closed = createClickHouse({ url: `http://127.0.0.1:${await freePort()}`, database: 'tower', dataDir: '.' });
    const handle = relay(closed, { retryMinMs: 10, retryMaxMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handle.stats()).toMatchObject({ target: null, leader: false, events: 0 });
    expect(handle.stats().failures).toBeGreaterThan(1);
    expect(handle.stats().lastFailure).toMatch(/^clickhouse: /);
    await handle.stop();
    await closed.close();
  });
});

/** `client` with inserts that fail while `state.mode` is 'down', and one that lands but reports failure in 'lost-answer'. */
function withOutage(client: ClickHouseClient, state: { mode: 'up' | 'down' | 'lost-answer' }): ClickHouseClient {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'insert') {
        return async (params: Parameters<ClickHouseClient['insert']>[0]) => {
          if (state.mode === 'down') throw new Error('connect ECONNREFUSED 127.0.0.1:8123 (simulated outage)');
          const result = await target.insert(params);
          if (state.mode === 'lost-answer') {
            state.mode = 'up';
            throw new Error('socket hang up (simulated: the insert landed, its answer did not)');
          }
          return result;
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function spawnChild(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/integration/analytics/relay-child.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: unknown) => {
    output += String(chunk);
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    exited,
    /** The first line of stdout matching `pattern`, or an error with everything the child said. */
    waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = output.split('\n').find((l) => pattern.test(l));
          if (line !== undefined) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(line);
          }
        };
        const timer = setTimeout(() => reject(new Error(`child did not print ${pattern} in ${timeoutMs} ms:\n${output}`)), timeoutMs);
        listeners.add(check);
        void exited.then((code) => {
          check();
          if (listeners.has(check)) reject(new Error(`child exited (${code}) without printing ${pattern}:\n${output}`));
        });
        check();
      });
    },
  };
}
