import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { signIn } from '#test/support/api-client.ts';
import { freePort } from '#test/support/free-port.ts';
import { spawnTower, waitForHealthy } from '#test/support/tower-process.ts';
import { disconnected, RealtimeClients, whoami } from './realtime-client.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'tower-realtime-'));
chmodSync(dataDir, 0o755);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const ADMIN = { email: 'realtime.admin@example.com', password: 'a long enough admin password' };

it('npm start serves socket.io on its own port, and a connected socket does not hold up shutdown', async () => {
  const tower = spawnTower({
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    SIMULATE: 'off',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
  });
  const clients = new RealtimeClients(tower.url);
  try {
    await waitForHealthy(tower);
    const admin = await signIn(tower.url, ADMIN.email, ADMIN.password);
    const socket = await clients.connect({ extraHeaders: { cookie: admin.defaults.cookie! } });
    expect((await whoami(socket)).actor).toMatchObject({ kind: 'user', label: ADMIN.email });

    const gone = disconnected(socket);
    const started = Date.now();
    tower.child.kill('SIGTERM');
    expect(await tower.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await gone).toMatch(/disconnect|close/);
  } finally {
    clients.closeAll();
    if (tower.child.exitCode === null) tower.child.kill('SIGKILL');
  }
});
