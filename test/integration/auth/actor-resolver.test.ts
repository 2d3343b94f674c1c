import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '#db/client.ts';
import { createApiToken, revokeApiToken } from '#server/auth/api-tokens.ts';
import { ActorResolver } from '#server/auth/resolve-actor.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** The test database, counting the statements the resolver sends to it. */
function countingDb(db: Database) {
  const counter = { statements: 0 };
  const wrapped = new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'execute') {
        return (...args: Parameters<Database['execute']>) => {
          counter.statements++;
          return target.execute(...args);
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  return { db: wrapped, counter };
}

async function newToken() {
  return createApiToken(server.db, { name: `resolver ${Date.now()}`, roles: ['service'] }, null);
}

describe('resolving API tokens under load', () => {
  it('many requests with an unknown-to-the-cache token share one look-up', async () => {
    const { token } = await newToken();
    const { db, counter } = countingDb(server.db);
    const resolver = new ActorResolver(db, () => new Date());
    const answers = await Promise.all(Array.from({ length: 25 }, () => resolver.resolve({ bearer: token })));
    expect(counter.statements).toBe(1);
    expect(new Set(answers.map((a) => a.actor?.id)).size).toBe(1);
    expect(answers[0]!.actor).toMatchObject({ kind: 'token', roles: ['service'] });
  });

  it('an answer about to expire is refreshed once in the background while requests keep being served', async () => {
    const { token, id } = await newToken();
    const { db, counter } = countingDb(server.db);
    let now = Date.parse('2026-11-29T12:00:00Z');
    const resolver = new ActorResolver(db, () => new Date(now));
    await resolver.resolve({ bearer: token });
    expect(counter.statements).toBe(1);

    now += 2_000; // well inside the cache: no look-up
    await resolver.resolve({ bearer: token });
    expect(counter.statements).toBe(1);

    now += 2_500; // in the last second: served from the cache, one refresh starts for all
    const served = await Promise.all(Array.from({ length: 10 }, () => resolver.resolve({ bearer: token })));
    expect(served.every((a) => a.actor?.id === id)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(counter.statements).toBe(2);

    now += 3_000; // past the first answer's expiry, inside the refreshed one's
    await resolver.resolve({ bearer: token });
    expect(counter.statements).toBe(2);
  });

  it('a revoked token stops working when its cached answer runs out', async () => {
    const { token, id } = await newToken();
    let now = Date.now();
    const resolver = new ActorResolver(server.db, () => new Date(now));
    expect((await resolver.resolve({ bearer: token })).actor?.id).toBe(id);
    await revokeApiToken(server.db, id, new Date());
    now += 6_000;
    expect(await resolver.resolve({ bearer: token })).toEqual({ actor: null, reason: 'The API token was revoked' });
  });
});
