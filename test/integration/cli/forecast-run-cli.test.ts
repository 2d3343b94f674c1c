import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { ClickHouseClient } from '#analytics/clickhouse/client.ts';
import { createScratchDatabase, type ScratchDatabase } from '#test/support/scratch-database.ts';
import { createProduct } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { openTestClickHouse } from '../analytics/clickhouse-fixture.ts';

/** `node --import tsx server/cli/forecast-run.ts …` as `npm run forecast:run -- …` runs it. */
function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/forecast-run.ts', ...args], {
    cwd: path.resolve(import.meta.dirname, '../../..'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let database: ScratchDatabase;
let ch: { client: ClickHouseClient };
let server: TestServer;
const emptyDataDir = mkdtempSync(path.join(tmpdir(), 'tower-cli-'));

beforeAll(async () => {
  database = await createScratchDatabase(inject('databaseUrl'), 'tower_forecast_cli');
  ch = await openTestClickHouse();
  server = await startTestServer({ databaseUrl: database.url, clickhouse: ch.client, forecasts: { workers: 1 } });
  await createProduct(server.api);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await ch?.client.close();
  await database?.drop();
  rmSync(emptyDataDir, { recursive: true, force: true });
});

describe('npm run forecast:run', () => {
  it('starts a run on a running Tower, follows it and prints its summary', async () => {
    const token = (await server.tokenClient(['planner'])).defaults.authorization!.replace(/^Bearer /, '');
    const run = await runCli(['--url', server.url], { TOWER_TOKEN: token, DATA_DIR: emptyDataDir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/forecast run #\d+ started/);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ series: 1, proposals: 0, summary: { network: { series: 1 } } });
    const runs = (await server.api.get('/api/forecasts/runs')).body.items;
    expect(runs[0]).toMatchObject({ number: summary.run, status: 'succeeded', trigger: 'manual' });
  });

  it('says what is missing: no token (2), a token not allowed to run forecasts (1)', async () => {
    const none = await runCli(['--url', server.url], { DATA_DIR: emptyDataDir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no API token');
    const staff = (await server.tokenClient(['staff'])).defaults.authorization!.replace(/^Bearer /, '');
    const refused = await runCli(['--url', server.url], { TOWER_TOKEN: staff, DATA_DIR: emptyDataDir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('403');
  });
});
