import { afterAll, beforeAll, expect, it } from 'vitest';
import { purgeExpiredIdempotencyKeys } from '#server/idempotency/purge-expired-keys.ts';
import { unique } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it('purging drops keys older than the cutoff and keeps recent ones', async () => {
  const scope = unique('purge-test');
  await server.pool.query(
    `insert into idempotency_keys (scope, key, request_hash, created_at) values
       ($1, 'old', 'h', now() - interval '5 days'), ($1, 'recent', 'h', now() - interval '1 hour')`,
    [scope],
  );
  await purgeExpiredIdempotencyKeys(server.db, new Date(Date.now() - 72 * 3_600_000));
  const { rows } = await server.pool.query('select key from idempotency_keys where scope = $1 order by key', [scope]);
  expect(rows.map((r) => r.key)).toEqual(['recent']);
});
