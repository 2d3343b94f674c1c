export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A thin fetch wrapper: JSON in, parsed JSON (or problem+json) out, never throws on 4xx/5xx. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    /** Sent with every request (e.g. an Authorization header); a request's own headers win. */
    readonly defaults: Record<string, string> = {},
  ) {}

  /** The same server with other default headers (another token, a cookie, none). */
  with(defaults: Record<string, string>): ApiClient {
    return new ApiClient(this.baseUrl, defaults);
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const init: RequestInit = { method, headers: { ...this.defaults, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await fetch(this.baseUrl + path, init);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }

  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }

  patch<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', path, body, headers);
  }

  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', path, body, headers);
  }
}

/** Signs in with email and password and returns a client carrying the session cookie and CSRF token. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<ApiClient> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw new Error(`sign-in as ${email} failed with ${response.status}: ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return new ApiClient(baseUrl, { cookie, 'x-csrf-token': csrfToken });
}
