import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureWebBuild } from '#server/web/web-build.ts';
import { freePort } from '#test/support/free-port.ts';
import { spawnTower, waitForHealthy } from '#test/support/tower-process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    towerUrl: string;
    adminEmail: string;
    adminPassword: string;
  }
}

export const ADMIN_EMAIL = 'e2e-admin@example.com';
export const ADMIN_PASSWORD = 'e2e-admin-password';
/** Lets tests deliver parcels the way carriers do, through the signed tracking webhook. */
export const CARRIER_SECRET = 'e2e-carrier-webhook-secret';

/**
 * The end-to-end suite runs against the built app on a real Tower process, as `npm start` runs
 * it: the web build is made once if stale, then one Tower with embedded engines on a temp DATA_DIR.
 */
export default async function setup(project: TestProject) {
  const root = path.resolve(import.meta.dirname, '../../..');
  await ensureWebBuild(root, { quiet: true });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tower-e2e-'));
  // As root, embedded PostgreSQL runs as 'postgres', which must be able to enter this folder.
  chmodSync(dataDir, 0o755);
  const tower = spawnTower({
    PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    DATA_DIR: dataDir,
    SIMULATE: 'off',
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    RELAY_LINGER_MS: '10',
    CARRIER_WEBHOOK_SECRET: CARRIER_SECRET,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
    RATE_LIMIT_PUBLIC_PER_MINUTE: '10000',
  });
  await waitForHealthy(tower, 90_000);
  project.provide('towerUrl', tower.url);
  project.provide('adminEmail', ADMIN_EMAIL);
  project.provide('adminPassword', ADMIN_PASSWORD);
  return async () => {
    tower.child.kill('SIGTERM');
    const timeout = setTimeout(() => tower.child.kill('SIGKILL'), 20_000);
    await tower.exited;
    clearTimeout(timeout);
    rmSync(dataDir, { recursive: true, force: true });
  };
}
