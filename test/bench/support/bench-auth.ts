import { randomBytes } from 'node:crypto';

/** The first admin the bench's Tower creates from ADMIN_EMAIL / ADMIN_PASSWORD on its empty database. */
export function benchAdmin(): { email: string; password: string } {
  return { email: 'bench-admin@example.com', password: randomBytes(18).toString('base64url') };
}

export interface BenchTokens {
  /** Seeds locations, products and stock (catalog:write, inventory:adjust). */
  admin: string;
  /** Places the orders, as an integration would. */
  service: string;
}

async function mustOk(response: Response, what: string, status: number): Promise<any> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`${what} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Signs in as the admin: the session headers (cookie + CSRF token) an operator's browser would send. */
async function adminSession(baseUrl: string, admin: { email: string; password: string }): Promise<Record<string, string>> {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  });
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await mustOk(login, 'POST /api/auth/login', 200)) as { csrfToken: string };
  return { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken };
}

async function newToken(baseUrl: string, session: Record<string, string>, name: string, roles: string[]): Promise<string> {
  const response = await fetch(`${baseUrl}/api/tokens`, { method: 'POST', headers: session, body: JSON.stringify({ name, roles }) });
  return ((await mustOk(response, 'POST /api/tokens', 201)) as { token: string }).token;
}

/** One API token with these roles, created the way an operator would. */
export async function createBenchToken(baseUrl: string, admin: { email: string; password: string }, name: string, roles: string[]): Promise<string> {
  return newToken(baseUrl, await adminSession(baseUrl, admin), name, roles);
}

/** One admin token for seeding, one `service` token for the order load. */
export async function createBenchTokens(baseUrl: string, admin: { email: string; password: string }): Promise<BenchTokens> {
  const session = await adminSession(baseUrl, admin);
  return { admin: await newToken(baseUrl, session, 'bench seeding', ['admin']), service: await newToken(baseUrl, session, 'bench order load', ['service']) };
}
