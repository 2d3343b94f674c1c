import { randomUUID } from 'node:crypto';
import type { Role } from '#server/auth/permissions.ts';
import { ApiClient } from '#test/support/api-client.ts';
import { expectStatus, unique } from '#test/support/factories.ts';
import type { TestServer } from '#test/support/test-server.ts';

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

/** A new user created by the admin API token, with a unique email and a random password. */
export async function newUser(server: TestServer, roles: Role[], extra: Record<string, unknown> = {}): Promise<TestUser> {
  const email = `${unique('user')}@example.com`;
  const password = `pw-${randomUUID()}`;
  const response = await server.api.post('/api/users', { email, name: 'Test user', password, roles, ...extra });
  return { id: (expectStatus(response, 201).body as { id: string }).id, email, password };
}

export interface LoginAnswer {
  status: number;
  headers: Headers;
  body: any;
  /** `tower_session=<secret>` when a session was opened. */
  cookie: string | undefined;
  /** The raw Set-Cookie headers. */
  setCookies: string[];
}

/** POST /api/auth/login without the helper's checks, to look at every part of the answer. */
export async function attemptLogin(baseUrl: string, email: string, password: string, headers: Record<string, string> = {}): Promise<LoginAnswer> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
  const text = await response.text();
  const setCookies = response.headers.getSetCookie();
  const cookie = setCookies.map((c) => c.split(';')[0]!).find((c) => c.startsWith('tower_session=') && c.length > 'tower_session='.length);
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined, cookie, setCookies };
}

/** A client carrying a session cookie and, unless told otherwise, its CSRF token. */
export function sessionClient(baseUrl: string, answer: LoginAnswer, withCsrf = true): ApiClient {
  if (answer.status !== 200 || !answer.cookie) throw new Error(`no session: ${answer.status} ${JSON.stringify(answer.body)}`);
  return new ApiClient(baseUrl, withCsrf ? { cookie: answer.cookie, 'x-csrf-token': answer.body.csrfToken as string } : { cookie: answer.cookie });
}

export function productBody(overrides: Record<string, unknown> = {}) {
  return { sku: unique('SKU'), name: 'Test product', category: 'apparel', priceCents: 1999, currency: 'USD', weightGrams: 250, ...overrides };
}
