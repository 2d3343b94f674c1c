import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '#test/support/free-port.ts';
import { spawnTower, waitForHealthy } from '#test/support/tower-process.ts';
import { signIn } from '#test/support/api-client.ts';
import { orderBody, unique } from '#test/support/factories.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'tower-process-'));
chmodSync(dataDir, 0o755);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function towerEnv() {
  return {
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    SIMULATE: 'off',
    PAYMENT_TIMEOUT_MS: '1500',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
  };
}

const ADMIN = { email: 'first.admin@example.com', password: 'a long enough admin password' };
const admin = (url: string) => signIn(url, ADMIN.email, ADMIN.password);

describe('the Tower process', () => {
  it('refuses a bad configuration with one line naming the variable', async () => {
    const tower = spawnTower({ ...(await towerEnv()), PORT: 'eighty' });
    expect(await tower.exited).toBe(1);
    const lines = tower.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: PORT /);
  });

  it('starts on embedded PostgreSQL, drains in-flight requests on SIGTERM and restarts on the same data', async () => {
    const env = await towerEnv();
    const first = spawnTower(env);
    await waitForHealthy(first);
    const api = await admin(first.url);
    const sku = unique('KEEP');
    expect((await api.post('/api/products', { sku, name: 'Kept', category: 'test', priceCents: 100, currency: 'USD', weightGrams: 1 })).status).toBe(201);
    const location = await api.post('/api/locations', { code: unique('L'), name: 'L', kind: 'warehouse', lat: 1, lon: 1, dailyCapacity: 1 });
    await api.post('/api/inventory/adjustments', { sku, locationId: location.body.id, delta: 5, reason: 'receipt' });

    // This request waits on the payment provider for 1.5 s; SIGTERM arrives while it is in flight.
    const inFlight = api.post('/api/orders', orderBody([{ sku, quantity: 1 }], { payment: { method: 'card', token: 'tok_timeout' } }), {
      'idempotency-key': unique('slow-key'),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    first.child.kill('SIGTERM');
    const answered = await inFlight;
    expect(answered.status).toBe(503);
    expect(answered.body.type).toBe('payment_unavailable');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('"msg":"stopped"');

    const second = spawnTower(env);
    try {
      await waitForHealthy(second);
      const kept = await (await admin(second.url)).get(`/api/products/${sku}`);
      expect(kept.status).toBe(200);
      const stock = await (await admin(second.url)).get(`/api/inventory?sku=${sku}`);
      expect(stock.body[0]).toMatchObject({ onHand: 5, reserved: 0 });
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });

  it('recovers after being killed outright: the orphaned PostgreSQL is stopped and the data is intact', async () => {
    const env = await towerEnv();
    const first = spawnTower(env);
    await waitForHealthy(first);
    const sku = unique('CRASH');
    const created = await (await admin(first.url)).post('/api/products', { sku, name: 'Survives', category: 'test', priceCents: 1, currency: 'USD', weightGrams: 1 });
    expect(created.status).toBe(201);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = spawnTower(env);
    try {
      await waitForHealthy(second);
      expect((await (await admin(second.url)).get(`/api/products/${sku}`)).status).toBe(200);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});
