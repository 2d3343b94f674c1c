import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unique } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { attemptLogin, newUser, productBody, sessionClient } from './helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function unlock(email: string) {
  await server.pool.query(`update login_throttle set locked_until = now() - interval '1 second' where email = $1`, [email]);
}

describe('signing in', () => {
  it('sets an httpOnly SameSite session cookie and returns the CSRF token', async () => {
    const user = await newUser(server, ['manager']);
    const answer = await attemptLogin(server.url, user.email.toUpperCase(), user.password);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ user: { id: user.id, email: user.email, roles: ['manager'], locationIds: null }, csrfToken: expect.any(String) });
    expect(answer.body.csrfToken.length).toBeGreaterThanOrEqual(32);
    expect(Date.parse(answer.body.expiresAt)).toBeGreaterThan(Date.now());
    const cookie = answer.setCookies.find((c) => c.startsWith('tower_session='))!;
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=(Lax|Strict)/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
    // The secret is not the CSRF token and is not stored in clear.
    const secret = answer.cookie!.split('=')[1]!;
    expect(secret).not.toBe(answer.body.csrfToken);
    const { rows } = await server.pool.query('select count(*)::int as n from sessions where token_hash = $1', [secret]);
    expect(rows[0].n).toBe(0);

    const me = await sessionClient(server.url, answer).get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { id: user.id }, csrfToken: answer.body.csrfToken });
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const user = await newUser(server, ['staff']);
    const wrongPassword = await attemptLogin(server.url, user.email, 'not the password at all');
    const unknownEmail = await attemptLogin(server.url, `${unique('nobody')}@example.com`, 'not the password at all');
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownEmail.body);
    expect(wrongPassword.body.type).toBe('unauthorized');
    expect(wrongPassword.cookie).toBeUndefined();
    expect(unknownEmail.cookie).toBeUndefined();
  });

  it('an expired session is refused even while it is cached', async () => {
    let now = Date.now();
    const clocked = await startTestServer({ clock: { now: () => new Date(now) }, auth: { sessionTtlHours: 1 } });
    try {
      const user = await newUser(clocked, ['planner']);
      const session = sessionClient(clocked.url, await attemptLogin(clocked.url, user.email, user.password));
      expect((await session.get('/api/auth/me')).status).toBe(200);
      now += 60 * 60 * 1000 + 1;
      const after = await session.get('/api/auth/me');
      expect(after.status).toBe(401);
      expect(after.body.type).toBe('unauthorized');
    } finally {
      await clocked.close();
    }
  });
});

describe('signing out', () => {
  it('ends the session at once, although valid sessions are cached for a few seconds', async () => {
    const user = await newUser(server, ['planner']);
    const session = sessionClient(server.url, await attemptLogin(server.url, user.email, user.password));
    expect((await session.get('/api/auth/me')).status).toBe(200);
    expect((await session.post('/api/auth/logout', undefined, { 'x-csrf-token': '' })).status).toBe(403);

    const logout = await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: session.defaults });
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie().join()).toMatch(/tower_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i);

    const after = await session.get('/api/auth/me');
    expect(after.status).toBe(401);
    expect(after.body.type).toBe('unauthorized');
    const { rows } = await server.pool.query('select revoked_at from sessions where user_id = $1', [user.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].revoked_at).not.toBeNull();
  });
});

describe('CSRF protection of cookie sessions', () => {
  it('a change made with the cookie needs the exact x-csrf-token of the session; reads and Bearer requests do not', async () => {
    const user = await newUser(server, ['manager']);
    const answer = await attemptLogin(server.url, user.email, user.password);
    const cookieOnly = sessionClient(server.url, answer, false);
    const withCsrf = sessionClient(server.url, answer);

    const refusedSku = unique('SKU');
    const missing = await cookieOnly.post('/api/products', productBody({ sku: refusedSku }));
    expect(missing.status).toBe(403);
    expect(missing.body.type).toBe('forbidden');
    expect(missing.body.detail).toMatch(/x-csrf-token/);

    const wrong = await cookieOnly.post('/api/products', productBody({ sku: refusedSku }), { 'x-csrf-token': `${answer.body.csrfToken as string}x` });
    expect(wrong.status).toBe(403);
    const otherSession = await attemptLogin(server.url, user.email, user.password);
    const someoneElses = await cookieOnly.post('/api/products', productBody({ sku: refusedSku }), { 'x-csrf-token': otherSession.body.csrfToken as string });
    expect(someoneElses.status).toBe(403);

    const { rows } = await server.pool.query('select count(*)::int as n from products where sku = $1', [refusedSku]);
    expect(rows[0].n).toBe(0);

    expect((await withCsrf.post('/api/products', productBody())).status).toBe(201);
    expect((await cookieOnly.get('/api/products')).status).toBe(200);

    const bearer = await server.tokenClient(['manager']);
    expect((await bearer.post('/api/products', productBody())).status).toBe(201);
  });
});

describe('guessing passwords', () => {
  it('after 5 failures for an email, even the right password waits (429 with Retry-After); once the lock ends one attempt is allowed', async () => {
    const user = await newUser(server, ['staff']);
    for (let i = 0; i < 5; i++) expect((await attemptLogin(server.url, user.email, `wrong ${i}`)).status).toBe(401);

    const locked = await attemptLogin(server.url, user.email, user.password);
    expect(locked.status).toBe(429);
    expect(locked.body.type).toBe('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(30);
    expect(locked.cookie).toBeUndefined();

    // The lock ends: one more guess is allowed, and a wrong one locks for twice as long.
    await unlock(user.email);
    expect((await attemptLogin(server.url, user.email, 'wrong again')).status).toBe(401);
    const relocked = await attemptLogin(server.url, user.email, user.password);
    expect(relocked.status).toBe(429);
    expect(Number(relocked.headers.get('retry-after'))).toBeGreaterThan(30);
    expect(Number(relocked.headers.get('retry-after'))).toBeLessThanOrEqual(60);

    // The lock ends again: the right password signs in and the count starts over.
    await unlock(user.email);
    expect((await attemptLogin(server.url, user.email, user.password)).status).toBe(200);
    expect((await attemptLogin(server.url, user.email, 'wrong after success')).status).toBe(401);
    expect((await attemptLogin(server.url, user.email, user.password)).status).toBe(200);
  });

  it('an unknown email is locked the same way, so locking does not reveal which accounts exist', async () => {
    const email = `${unique('ghost')}@example.com`;
    for (let i = 0; i < 5; i++) expect((await attemptLogin(server.url, email, `wrong ${i}`)).status).toBe(401);
    const locked = await attemptLogin(server.url, email, 'wrong 6');
    expect(locked.status).toBe(429);
    expect(locked.body.type).toBe('rate_limited');
  });

  it('a burst of parallel guesses gets at most 5 checked', async () => {
    const user = await newUser(server, ['staff']);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => attemptLogin(server.url, user.email, `parallel ${i}`)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
  });

  it('sign-in attempts are limited per client address', async () => {
    const limited = await startTestServer({ auth: { loginPerMinute: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await attemptLogin(limited.url, `${unique('ip')}@example.com`, 'whatever')).status);
      expect(statuses).toEqual([401, 401, 401]);
      const refused = await attemptLogin(limited.url, `${unique('ip')}@example.com`, 'whatever');
      expect(refused.status).toBe(429);
      expect(refused.body.type).toBe('rate_limited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    } finally {
      await limited.close();
    }
  });

  it('public endpoints are limited per client address for anonymous callers; authenticated requests are not', async () => {
    const limited = await startTestServer({ auth: { publicPerMinute: 3 } });
    try {
      for (let i = 0; i < 3; i++) expect((await limited.anonymous.get('/api/health')).status).toBe(200);
      const refused = await limited.anonymous.get('/api/health');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(refused.body.type).toBe('rate_limited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Every public route shares the address's allowance.
      expect((await limited.anonymous.get('/api/docs')).status).toBe(429);
      expect((await limited.anonymous.get('/api/openapi.json')).status).toBe(429);
      expect((await attemptLogin(limited.url, 'a@example.com', 'whatever')).status).toBe(429);
      expect((await limited.api.get('/api/products')).status).toBe(200);
      // A public route called with credentials (a carrier integration's token) is not capped either.
      expect((await limited.api.get('/api/health')).status).toBe(200);
      expect((await limited.api.get('/api/openapi.json')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('changing passwords', () => {
  it('changing your own password ends all your sessions; the old password stops working', async () => {
    const user = await newUser(server, ['planner']);
    const first = sessionClient(server.url, await attemptLogin(server.url, user.email, user.password));
    const second = sessionClient(server.url, await attemptLogin(server.url, user.email, user.password));
    expect((await first.get('/api/auth/me')).status).toBe(200);
    expect((await second.get('/api/auth/me')).status).toBe(200);

    const wrongCurrent = await first.post('/api/auth/password', { currentPassword: 'not it', newPassword: 'a brand new password' });
    expect(wrongCurrent.status).toBe(403);
    expect(wrongCurrent.body.errors[0].path).toBe('currentPassword');
    expect((await first.get('/api/auth/me')).status).toBe(200);
    const tooShort = await first.post('/api/auth/password', { currentPassword: user.password, newPassword: 'short' });
    expect(tooShort.status).toBe(422);
    expect(tooShort.body.errors[0].path).toBe('newPassword');

    const newPassword = 'a brand new password';
    expect((await first.post('/api/auth/password', { currentPassword: user.password, newPassword })).status).toBe(204);
    expect((await first.get('/api/auth/me')).status).toBe(401);
    expect((await second.get('/api/auth/me')).status).toBe(401);
    expect((await attemptLogin(server.url, user.email, user.password)).status).toBe(401);
    expect((await attemptLogin(server.url, user.email, newPassword)).status).toBe(200);
  });

  it("an admin's reset ends the user's sessions", async () => {
    const user = await newUser(server, ['staff']);
    const session = sessionClient(server.url, await attemptLogin(server.url, user.email, user.password));
    expect((await session.get('/api/auth/me')).status).toBe(200);
    expect((await server.api.post(`/api/users/${user.id}/password`, { password: 'reset by the admin' })).status).toBe(204);
    expect((await session.get('/api/auth/me')).status).toBe(401);
    expect((await attemptLogin(server.url, user.email, user.password)).status).toBe(401);
    expect((await attemptLogin(server.url, user.email, 'reset by the admin')).status).toBe(200);
  });
});

describe('disabled accounts and role changes', () => {
  it('a disabled user is signed out at once and cannot sign in; enabled again, they can', async () => {
    const user = await newUser(server, ['manager']);
    const session = sessionClient(server.url, await attemptLogin(server.url, user.email, user.password));
    expect((await session.get('/api/products')).status).toBe(200);

    const disabled = await server.api.patch(`/api/users/${user.id}`, { active: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body.active).toBe(false);
    const refused = await session.get('/api/products');
    expect(refused.status).toBe(401);
    expect(refused.body.type).toBe('unauthorized');
    const login = await attemptLogin(server.url, user.email, user.password);
    expect(login.status).toBe(401);
    expect(login.cookie).toBeUndefined();

    expect((await server.api.patch(`/api/users/${user.id}`, { active: true })).status).toBe(200);
    expect((await session.get('/api/products')).status).toBe(401);
    expect((await attemptLogin(server.url, user.email, user.password)).status).toBe(200);
  });

  it('taking a role away holds from the next request', async () => {
    const user = await newUser(server, ['manager']);
    const session = sessionClient(server.url, await attemptLogin(server.url, user.email, user.password));
    expect((await session.post('/api/products', productBody())).status).toBe(201);
    expect((await server.api.patch(`/api/users/${user.id}`, { roles: ['planner'] })).status).toBe(200);
    expect((await session.post('/api/products', productBody())).status).toBe(401);
    const again = sessionClient(server.url, await attemptLogin(server.url, user.email, user.password));
    const refused = await again.post('/api/products', productBody());
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe('forbidden');
  });
});
