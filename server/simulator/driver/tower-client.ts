import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { sleep } from './sleep.ts';

/** The header that sets a request's clock; Tower accepts it from actors with `history:write` only. */
export const AS_OF_HEADER = 'x-tower-as-of';
const SIGNATURE_HEADER = 'x-tower-signature';

/** What the driver sent, for tests and logs: one entry per request, not per retry. */
export interface SentRequest {
  method: string;
  path: string;
  body: unknown;
  asOf: string | null;
  status: number;
  /** From the first send to the final answer, retries included. */
  ms: number;
}

export interface TowerClientOptions {
  baseUrl: string;
  /** An API token (integrations), or a person's session (pick claims are made by people only). */
  auth: { token: string } | { cookie: string; csrfToken: string };
  /** Requests in flight at once; others wait their turn. */
  concurrency: number;
  /** Send `x-tower-as-of` when a request names a moment (needs the `simulator` role). */
  historical: boolean;
  /** Sends of one request before its error is final (5xx, 429 and network errors are retried). */
  attempts?: number;
  onRequest?: (request: SentRequest) => void;
  signal?: AbortSignal;
}

export interface RequestOptions {
  body?: unknown;
  /** The request's moment: sent as `x-tower-as-of` when the client is historical. */
  asOf?: number | string | Date;
  idempotencyKey?: string;
  /** Statuses that are answers rather than errors (2xx always are). */
  accept?: readonly number[];
  /** Goes before requests waiting for a slot (a step everything else waits for). */
  priority?: boolean;
}

export interface TowerResponse<T> {
  status: number;
  body: T;
}

/** A problem+json answer Tower gave (or a transport failure, status 0), with the request that got it. */
export class TowerError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly type: string,
    readonly detail: string,
    readonly errors: unknown[] = [],
  ) {
    super(`${method} ${path} → ${status || 'no answer'} ${type}: ${detail}`);
  }
}

const RETRY_BASE_MS = 100;
/** 429s waited out per request before it counts as failed. */
const MAX_THROTTLED = 60;
const RETRY_MAX_MS = 5_000;


/** Waits for one of `limit` slots. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(limit: number) {
    this.free = Math.max(1, limit);
  }
  async take(priority = false): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => (priority ? this.waiting.unshift(resolve) : this.waiting.push(resolve)));
  }
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

function isoOf(moment: number | string | Date): string {
  return typeof moment === 'string' ? moment : new Date(moment).toISOString();
}

/** What clients of one run share: the connections, the slots, the count of requests and those not yet answered. */
interface Transport {
  agent: http.Agent;
  slots: Slots;
  sent: { count: number };
  open: OpenRequests;
}

/** Requests sent (or waiting for a slot) and not yet answered, and who waits for them to be few. */
class OpenRequests {
  count = 0;
  private waiters: { atMost: number; run: () => void }[] = [];
  private checking = false;

  whenAtMost(atMost: number, run: () => void): void {
    if (this.count <= atMost) run();
    else this.waiters.push({ atMost, run });
  }

  done(): void {
    this.count--;
    if (this.checking || this.waiters.length === 0) return;
    // After the answer's own continuations: what they send counts, what they submit to a batch joins it.
    this.checking = true;
    setImmediate(() => {
      this.checking = false;
      const ready = this.waiters.filter((w) => this.count <= w.atMost);
      if (ready.length === 0) return;
      this.waiters = this.waiters.filter((w) => this.count > w.atMost);
      for (const w of ready) w.run();
    });
  }
}

/**
 * Tower's public HTTP API as the simulator uses it: JSON in and out, a bearer token or a session,
 * keep-alive connections (one agent with as many sockets as requests in flight), retries of 5xx,
 * 429 and network failures with the same Idempotency-Key, and problem+json surfaced as TowerError.
 */
export class TowerClient {
  private readonly base: URL;
  private readonly transport: Transport;
  private readonly attempts: number;

  /** Who a session client signs in as, to sign in again when its session ends. */
  private credentials: { email: string; password: string } | null = null;
  private auth: TowerClientOptions['auth'];

  constructor(
    private readonly options: TowerClientOptions,
    shared?: Transport,
  ) {
    this.auth = options.auth;
    this.base = new URL(options.baseUrl);
    const Agent = this.base.protocol === 'https:' ? https.Agent : http.Agent;
    this.transport = shared ?? {
      agent: new Agent({ keepAlive: true, maxSockets: Math.max(1, options.concurrency), scheduling: 'lifo' }),
      slots: new Slots(options.concurrency),
      sent: { count: 0 },
      open: new OpenRequests(),
    };
    this.attempts = options.attempts ?? 6;
  }

  /** The same connections and limits with other credentials (a person's session). */
  withAuth(auth: TowerClientOptions['auth']): TowerClient {
    return new TowerClient({ ...this.options, auth }, this.transport);
  }

  get historical(): boolean {
    return this.options.historical;
  }

  /** HTTP requests sent by this client and its siblings, retries included. */
  get requestsSent(): number {
    return this.transport.sent.count;
  }

  /**
   * Calls `run` once at most `atMost` requests of this client and its siblings are unanswered (at
   * once if they already are): a batch waits while answers that may add to it are on their way.
   */
  whenAtMost(atMost: number, run: () => void): void {
    this.transport.open.whenAtMost(atMost, run);
  }

  close(): void {
    this.transport.agent.destroy();
  }

  /** Signs in as a person: the session cookie and its CSRF token. */
  async signIn(email: string, password: string): Promise<TowerClient> {
    const raw = JSON.stringify({ email, password });
    const answer = await this.exchange('POST', '/api/auth/login', { 'content-type': 'application/json', accept: 'application/json' }, raw);
    this.transport.sent.count++;
    const body = parseBody(answer.text) as { csrfToken?: string; type?: string; detail?: string } | undefined;
    if (answer.status !== 200 || !body?.csrfToken) throw new TowerError('POST', '/api/auth/login', answer.status, body?.type ?? 'unknown', body?.detail ?? 'sign-in failed');
    const cookie = answer.cookies.map((c) => c.split(';')[0]).join('; ');
    const session = this.withAuth({ cookie, csrfToken: body.csrfToken });
    session.credentials = { email, password };
    return session;
  }

  private renewing: Promise<TowerClientOptions['auth']> | null = null;

  /** One sign-in however many requests found the session over. */
  private renewSession(): Promise<TowerClientOptions['auth']> {
    this.renewing ??= this.signIn(this.credentials!.email, this.credentials!.password)
      .then((fresh) => (this.auth = fresh.auth))
      .finally(() => (this.renewing = null));
    return this.renewing;
  }

  private authHeaders(auth: TowerClientOptions['auth']): Record<string, string> {
    return 'token' in auth ? { authorization: `Bearer ${auth.token}` } : { cookie: auth.cookie, 'x-csrf-token': auth.csrfToken };
  }

  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<TowerResponse<T>> {
    const headers: Record<string, string> = { ...this.authHeaders(this.auth), accept: 'application/json' };
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    const asOf = options.asOf !== undefined && this.options.historical ? isoOf(options.asOf) : null;
    if (asOf) headers[AS_OF_HEADER] = asOf;
    const raw = options.body === undefined ? undefined : JSON.stringify(options.body);
    return this.send<T>(method, path, headers, raw, options, asOf);
  }

  /**
   * A carrier's tracking webhook, signed with the HMAC of its raw body. The token goes along so
   * Tower knows who sends so many (anonymous callers of public routes are rate limited). The scan
   * says when it happened (`occurredAt`); `receivedAt` dates its arrival, so Tower's receipt and
   * the order.delivered event it emits land in history too, not today.
   */
  async carrierEvent<T = unknown>(carrier: string, secret: string, body: unknown, receivedAt?: string): Promise<TowerResponse<T>> {
    return this.signedCarrierPost<T>(`/api/carriers/${encodeURIComponent(carrier)}/events`, secret, body, receivedAt);
  }

  /** A carrier's delivery of many tracking events in one signed request (`POST …/events/batch`). */
  async carrierEvents<T = unknown>(carrier: string, secret: string, events: unknown[], receivedAt?: string): Promise<TowerResponse<T>> {
    return this.signedCarrierPost<T>(`/api/carriers/${encodeURIComponent(carrier)}/events/batch`, secret, { events }, receivedAt);
  }

  private async signedCarrierPost<T>(path: string, secret: string, body: unknown, receivedAt?: string): Promise<TowerResponse<T>> {
    const raw = JSON.stringify(body);
    const signature = `sha256=${createHmac('sha256', secret).update(raw, 'utf8').digest('hex')}`;
    const headers: Record<string, string> = { ...('token' in this.auth ? this.authHeaders(this.auth) : {}), [SIGNATURE_HEADER]: signature, accept: 'application/json' };
    const asOf = receivedAt !== undefined && this.options.historical && 'token' in this.auth ? receivedAt : null;
    if (asOf) headers[AS_OF_HEADER] = asOf;
    return this.send<T>('POST', path, headers, raw, {}, asOf);
  }

  private async send<T>(method: string, path: string, headers: Record<string, string>, raw: string | undefined, options: RequestOptions, asOf: string | null): Promise<TowerResponse<T>> {
    this.transport.open.count++;
    try {
      return await this.sendWithRetries<T>(method, path, headers, raw, options, asOf);
    } finally {
      this.transport.open.done();
    }
  }

  private async sendWithRetries<T>(method: string, path: string, headers: Record<string, string>, raw: string | undefined, options: RequestOptions, asOf: string | null): Promise<TowerResponse<T>> {
    if (raw !== undefined) headers['content-type'] = 'application/json';
    const started = performance.now();
    let lastError: TowerError | null = null;
    let throttled = 0;
    let renewed = false;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (this.options.signal?.aborted) break;
      await this.transport.slots.take(options.priority);
      let answer: Answer | null = null;
      try {
        this.transport.sent.count++;
        answer = await this.exchange(method, path, headers, raw);
      } catch (error) {
        lastError = new TowerError(method, path, 0, 'network', error instanceof Error ? error.message : String(error));
      } finally {
        this.transport.slots.give();
      }
      if (answer) {
        const body = parseBody(answer.text);
        const ok = (answer.status >= 200 && answer.status < 300) || options.accept?.includes(answer.status);
        if (ok) {
          this.options.onRequest?.({ method, path, body: raw === undefined ? undefined : JSON.parse(raw), asOf, status: answer.status, ms: performance.now() - started });
          return { status: answer.status, body: body as T };
        }
        const problem = (body ?? {}) as { type?: string; detail?: string; errors?: unknown[] };
        lastError = new TowerError(method, path, answer.status, problem.type ?? 'unknown', problem.detail ?? answer.text.slice(0, 200), problem.errors ?? []);
        // A session ends (expiry, a restart): sign in again once and repeat the request.
        if (answer.status === 401 && this.credentials && !renewed) {
          renewed = true;
          // Another request may have signed in again meanwhile: then its session will do.
          const current = this.authHeaders(this.auth);
          Object.assign(headers, headers.cookie !== current.cookie ? current : this.authHeaders(await this.renewSession()));
          attempt--;
          continue;
        }
        // Being throttled is no failure: wait as told, without using up the attempts.
        if (answer.status === 429 && ++throttled <= MAX_THROTTLED) attempt--;
        const retryable = answer.status >= 500 || answer.status === 429;
        if (!retryable) break;
        const retryAfterMs = Number(answer.retryAfter) * 1000;
        if (Number.isFinite(retryAfterMs) && retryAfterMs > 0) {
          await sleep(Math.min(retryAfterMs, RETRY_MAX_MS), this.options.signal);
          continue;
        }
      }
      if (attempt < this.attempts) await sleep(Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1)), this.options.signal);
    }
    const error = lastError ?? new TowerError(method, path, 0, 'aborted', 'the simulation was stopped');
    this.options.onRequest?.({ method, path, body: raw === undefined ? undefined : JSON.parse(raw), asOf, status: error.status, ms: performance.now() - started });
    throw error;
  }

  private exchange(method: string, path: string, headers: Record<string, string>, raw: string | undefined): Promise<Answer> {
    const url = new URL(path, this.base);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.request(url, { method, headers: raw === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(raw)) }, agent: this.transport.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const retryAfter = response.headers['retry-after'];
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
            cookies: response.headers['set-cookie'] ?? [],
          });
        });
        response.on('error', reject);
      });
      request.setTimeout(60_000, () => request.destroy(new Error('no answer within 60 s')));
      request.on('error', reject);
      request.end(raw);
    });
  }
}

interface Answer {
  status: number;
  text: string;
  retryAfter: string | undefined;
  cookies: string[];
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
