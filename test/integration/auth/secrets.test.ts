import { createHash } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '#db/client.ts';
import { ApiClient } from '#test/support/api-client.ts';
import { expectStatus, unique } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { attemptLogin, productBody, sessionClient } from './helpers.ts';

/**
 * Everything secret that goes through Tower in a busy session — passwords, API token secrets,
 * session cookies, CSRF tokens — and the places it must never come out: the log lines and the
 * administration answers.
 */

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** The secrets seen so far, with what each one is (for a readable failure). */
class Secrets {
  readonly all = new Map<string, string>();
  add(what: string, value: string | undefined) {
    if (!value) throw new Error(`no ${what}`);
    this.all.set(value, what);
    // The stored form of a session or token secret is its SHA-256: not to be shown either.
    if (what.startsWith('session') || what.startsWith('api token')) this.all.set(sha256(value), `hash of ${what}`);
  }
  foundIn(text: string): string[] {
    return [...this.all].filter(([value]) => text.includes(value)).map(([, what]) => what);
  }
}

function cookieSecret(cookie: string | undefined): string | undefined {
  return cookie?.split('=')[1];
}

describe('secrets', () => {
  let server: TestServer;
  const secrets = new Secrets();
  let adminAnswers = '';
  /** Every other answer a user got: sign-ins, /api/auth/me, user administration. */
  let otherAnswers = '';

  beforeAll(async () => {
    server = await startTestServer();
    const email = `${unique('secret')}@example.com`;
    const firstPassword = `first password ${unique('pw')}`;
    secrets.add('first password', firstPassword);
    const user = expectStatus(await server.api.post('/api/users', { email, name: 'Keeper', password: firstPassword, roles: ['manager'] }), 201).body as { id: string };
    otherAnswers += JSON.stringify(user);

    const wrongPassword = `wrong password ${unique('pw')}`;
    secrets.add('wrong password', wrongPassword);
    expect((await attemptLogin(server.url, email, wrongPassword)).status).toBe(401);

    const first = await attemptLogin(server.url, email, firstPassword);
    secrets.add('session cookie 1', cookieSecret(first.cookie));
    secrets.add('csrf token 1', first.body.csrfToken);
    otherAnswers += JSON.stringify(first.body);
    const session = sessionClient(server.url, first);
    const me = await session.get('/api/auth/me');
    expect(me.status).toBe(200);
    otherAnswers += JSON.stringify(me.body);
    expect((await session.post('/api/products', productBody())).status).toBe(201);
    expect((await session.post('/api/products', productBody(), { 'x-csrf-token': 'not the token' })).status).toBe(403);
    const wrongCurrent = `wrong current ${unique('pw')}`;
    secrets.add('wrong current password', wrongCurrent);
    expect((await session.post('/api/auth/password', { currentPassword: wrongCurrent, newPassword: 'whatever it is' })).status).toBe(403);
    const tooShort = 'short1';
    expect((await session.post('/api/auth/password', { currentPassword: firstPassword, newPassword: tooShort })).status).toBe(422);
    const secondPassword = `second password ${unique('pw')}`;
    secrets.add('second password', secondPassword);
    expect((await session.post('/api/auth/password', { currentPassword: firstPassword, newPassword: secondPassword })).status).toBe(204);
    expect((await session.get('/api/auth/me')).status).toBe(401);

    const second = await attemptLogin(server.url, email, secondPassword);
    secrets.add('session cookie 2', cookieSecret(second.cookie));
    secrets.add('csrf token 2', second.body.csrfToken);
    const resetPassword = `reset password ${unique('pw')}`;
    secrets.add('reset password', resetPassword);
    expect((await server.api.post(`/api/users/${user.id}/password`, { password: resetPassword })).status).toBe(204);
    const third = await attemptLogin(server.url, email, resetPassword);
    otherAnswers += JSON.stringify(third.body) + JSON.stringify((await server.api.patch(`/api/users/${user.id}`, { name: 'Keeper II' })).body);
    secrets.add('session cookie 3', cookieSecret(third.cookie));
    secrets.add('csrf token 3', third.body.csrfToken);
    const thirdSession = sessionClient(server.url, third);
    expect((await thirdSession.patch('/api/users/00000000-0000-4000-8000-000000000000', { active: false })).status).toBe(403);
    expect((await thirdSession.post('/api/auth/logout')).status).toBe(204);
    expect((await thirdSession.get('/api/auth/me')).status).toBe(401);

    const token = expectStatus(await server.api.post('/api/tokens', { name: unique('integration'), roles: ['service'] }), 201).body as { id: string; token: string };
    secrets.add('api token', token.token);
    const integration = new ApiClient(server.url, { authorization: `Bearer ${token.token}` });
    expect((await integration.get('/api/products')).status).toBe(200);
    expect((await integration.post('/api/products', productBody())).status).toBe(403);
    expect((await server.api.post(`/api/tokens/${token.id}/revoke`)).status).toBe(200);
    expect((await integration.get('/api/products')).status).toBe(401);
    const madeUp = `tower_${unique('madeup')}${unique('x')}`;
    secrets.add('api token made up', madeUp);
    expect((await server.anonymous.get('/api/products', { authorization: `Bearer ${madeUp}` })).status).toBe(401);
    expect((await server.anonymous.get('/api/products', { authorization: `Basic ${madeUp}` })).status).toBe(401);

    for (const path of ['/api/users', '/api/tokens', '/api/audit?limit=200']) adminAnswers += JSON.stringify((await server.api.get(path)).body);
  });
  afterAll(() => server.close());

  it('were really exercised', () => {
    expect(secrets.all.size).toBeGreaterThanOrEqual(15);
    expect(server.logs.length).toBeGreaterThan(20);
    expect(adminAnswers).toContain('/api/auth/password');
  });

  it('never appear in the logs', () => {
    expect(secrets.foundIn(JSON.stringify(server.logs))).toEqual([]);
  });

  it('never appear in the users, tokens or audit answers, nor any password hash', () => {
    expect(secrets.foundIn(adminAnswers)).toEqual([]);
    expect(adminAnswers).not.toMatch(/password_?hash|passwordHash|token_?hash|tokenHash/i);
    expect(adminAnswers).not.toContain('$argon2');
  });

  it('never appear in what users get back, except the CSRF token of their own sign-in', () => {
    expect(secrets.foundIn(otherAnswers).filter((what) => !what.startsWith('csrf token'))).toEqual([]);
    expect(otherAnswers).toContain('Keeper II');
    expect(otherAnswers).not.toMatch(/password_?hash|passwordHash|token_?hash|tokenHash/i);
    expect(otherAnswers).not.toContain('$argon2');
  });

  it('are not kept in clear in the database either', async () => {
    const { rows } = await server.pool.query(`
      select (select json_agg(u) from users u)::text as users, (select json_agg(s) from sessions s)::text as sessions,
        (select json_agg(t) from api_tokens t)::text as tokens, (select json_agg(a) from audit_log a)::text as audit`);
    const stored = [rows[0].users, rows[0].tokens, rows[0].audit].join('');
    const inClear = secrets.foundIn(stored).filter((what) => !what.startsWith('hash of'));
    expect(inClear).toEqual([]);
    // Sessions hold the CSRF token (it is sent back by /api/auth/me) but never the cookie's secret.
    expect(secrets.foundIn(rows[0].sessions).filter((what) => what.startsWith('session cookie'))).toEqual([]);
  });
});

describe('secrets when the database fails', () => {
  it('an error while opening a session logs no session secret or CSRF token', async () => {
    const dialect = new PgDialect();
    const late: { pool?: TestServer['pool']; sessionValues?: unknown[] } = {};
    // Deletes the user just before the session is written: a real foreign-key failure from PostgreSQL.
    const wrapDb = (db: Database): Database =>
      new Proxy(db, {
        get(target, property, receiver) {
          if (property !== 'execute') return Reflect.get(target, property, receiver) as unknown;
          return async (query: SQL) => {
            const { sql, params } = dialect.sqlToQuery(query);
            if (/insert into sessions/i.test(sql)) {
              late.sessionValues = params;
              await late.pool!.query('delete from users where id = $1', [params[1]]);
            }
            return target.execute(query);
          };
        },
      });
    const failing = await startTestServer({ wrapDb });
    late.pool = failing.pool;
    try {
      const email = `${unique('doomed')}@example.com`;
      const password = `doomed password ${unique('pw')}`;
      expectStatus(await failing.api.post('/api/users', { email, name: 'Doomed', password, roles: ['staff'] }), 201);
      const answer = await attemptLogin(failing.url, email, password);
      expect(answer.status).toBe(500);
      const logged = JSON.stringify(failing.logs);
      expect(logged).toContain('unhandled error');
      expect(logged).not.toContain(password);
      // What the failed statement carried: the hash of the cookie's secret and the CSRF token.
      const [sessionHash, , csrfToken] = late.sessionValues as string[];
      expect(sessionHash).toMatch(/^[0-9a-f]{64}$/);
      expect(logged).not.toContain(sessionHash);
      expect(logged).not.toContain(csrfToken);
      // Still useful: the failed SQL and PostgreSQL's own complaint are kept.
      const failure = JSON.stringify(failing.logs.find((l) => l.msg === 'unhandled error'));
      expect(failure).toContain('insert into sessions');
      expect(failure).toMatch(/violates foreign key constraint/);
    } finally {
      await failing.close();
    }
  });
});
