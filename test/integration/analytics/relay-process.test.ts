import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ApiClient } from '#test/support/api-client.ts';
import { freePort } from '#test/support/free-port.ts';
import { orderBody, placedOrder, stockedProduct } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { spawnTower, waitForHealthy } from '#test/support/tower-process.ts';
import { maxOutboxId } from './clickhouse-fixture.ts';

let server: TestServer;
const dataDir = mkdtempSync(path.join(tmpdir(), 'tower-relay-process-'));
chmodSync(dataDir, 0o755);

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** `npm run relay -- <args>`, without npm in between. */
async function relayCommand(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'analytics/relay/main.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: inject('databaseUrl'), DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

function sample(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
}

it('npm start relays the outbox into its embedded ClickHouse; npm run relay -- --rebuild replays it once the server is gone', async () => {
  const tower = spawnTower({ DATABASE_URL: inject('databaseUrl'), DATA_DIR: dataDir, PORT: String(await freePort()), SIMULATE: 'off', RELAY_LINGER_MS: '10' });
  try {
    await waitForHealthy(tower);
    const health = await (await fetch(`${tower.url}/api/health`)).json();
    expect(health).toEqual({ status: 'ok', postgres: 'ok', clickhouse: 'ok' });

    const { product } = await stockedProduct(server.api, 5);
    await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]));
    const upTo = await maxOutboxId(server.pool);
    const { rows: [outbox] } = await server.pool.query<{ n: number }>('select count(*)::int as n from outbox where id <= $1', [upTo]);
    const scraper = new ApiClient(tower.url, (await server.tokenClient(['service'])).defaults);
    let metrics = '';
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
      metrics = (await scraper.get('/metrics')).body as string;
      if (sample(metrics, 'relay_events_total') >= outbox!.n) break;
    }
    expect(sample(metrics, 'relay_events_total')).toBeGreaterThanOrEqual(outbox!.n);
    expect(sample(metrics, 'relay_batches_total{outcome="ok"}')).toBeGreaterThan(0);

    // The embedded ClickHouse belongs to the server while it runs.
    const refused = await relayCommand(['--drain']);
    expect(refused.code, refused.output).toBe(1);
    expect(refused.output).toMatch(/another process \(pid \d+\) has \S*clickhouse open/);
  } finally {
    tower.child.kill('SIGTERM');
    expect(await tower.exited).toBe(0);
  }
  // Compared by the time each line was logged: two log streams may reach the pipe out of order.
  const said = tower.output();
  const loggedAt = (msg: string) =>
    said
      .split('\n')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as { msg?: string; time?: string }];
        } catch {
          return []; // not a log line (npm's own output)
        }
      })
      .filter((line) => line.msg === msg)
      .map((line) => Date.parse(line.time ?? ''))[0];
  const relayStopped = loggedAt('relay stopped');
  const serverStopped = loggedAt('stopped');
  expect(relayStopped, said.slice(-3000)).toBeDefined();
  expect(relayStopped!, said.slice(-3000)).toBeLessThanOrEqual(serverStopped!);

  const upTo = await maxOutboxId(server.pool);
  const rebuilt = await relayCommand(['--rebuild']);
  expect(rebuilt.code, rebuilt.output).toBe(0);
  const done = rebuilt.output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((line) => line.msg === 'rebuild done');
  const { rows: [outbox] } = await server.pool.query<{ n: number }>('select count(*)::int as n from outbox where id <= $1', [upTo]);
  expect(done).toBeDefined();
  expect(done!.events).toBeGreaterThanOrEqual(outbox!.n);
  expect(done!.lastRelayedId).toBeGreaterThanOrEqual(upTo);
});
