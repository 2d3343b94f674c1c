import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface JsonRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface JsonResponse {
  status: number;
  /** The body text; read only when asked for, so the load generator stays cheap. */
  text: string;
}

export interface KeepAliveClientOptions {
  timeoutMs?: number;
  /** Sent with every request, e.g. `authorization: Bearer <token>`; a request's own headers win. */
  headers?: Record<string, string>;
}

/** A keep-alive HTTP/1.1 client for one origin on 127.0.0.1 (no dependency beyond node:http). */
export class KeepAliveClient {
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;
  private readonly defaultHeaders: Record<string, string>;
  /** Set by close(): load loops stop, and any further request fails at once. */
  closed = false;

  constructor(
    private readonly port: number,
    maxSockets: number,
    options: KeepAliveClientOptions = {},
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.defaultHeaders = { ...options.headers };
  }

  send(request: JsonRequest, readBody = false): Promise<JsonResponse> {
    const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
    const headers: Record<string, string | number> = { ...this.defaultHeaders, ...request.headers };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    if (this.closed) return Promise.reject(new Error('the load generator was stopped'));
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: this.port, method: request.method, path: request.path, headers, agent: this.agent, timeout: this.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          if (readBody || (res.statusCode ?? 0) >= 300) res.on('data', (chunk: Buffer) => chunks.push(chunk));
          else res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer in ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.closed = true;
    this.agent.destroy();
  }
}

export interface RunStats {
  /** Requests that completed (any status) inside the measured window. */
  completed: number;
  /** Requests that completed at all, warm-up included. */
  completedOverall: number;
  errors: number;
  /** First few error descriptions, for the report. */
  errorSamples: string[];
  latenciesMs: number[];
  measuredSeconds: number;
}

function newStats(): RunStats {
  return { completed: 0, completedOverall: 0, errors: 0, errorSamples: [], latenciesMs: [], measuredSeconds: 0 };
}

function record(stats: RunStats, latencyMs: number, outcome: JsonResponse | Error): void {
  stats.completed += 1;
  stats.latenciesMs.push(latencyMs);
  const failed = outcome instanceof Error || outcome.status < 200 || outcome.status >= 300;
  if (!failed) return;
  stats.errors += 1;
  if (stats.errorSamples.length < 5) {
    stats.errorSamples.push(outcome instanceof Error ? outcome.message : `${outcome.status} ${outcome.text.slice(0, 300)}`);
  }
}

/**
 * Closed loop: `concurrency` workers each send the next request as soon as the previous one
 * answers. Requests completing during warm-up are not counted. Bounded by time only.
 */
export async function closedLoop(client: KeepAliveClient, next: () => JsonRequest, o: { concurrency: number; warmupMs: number; measureMs: number }): Promise<RunStats> {
  const stats = newStats();
  const start = performance.now();
  const measureFrom = start + o.warmupMs;
  const stopAt = measureFrom + o.measureMs;
  const worker = async () => {
    while (!client.closed && performance.now() < stopAt) {
      const sent = performance.now();
      const outcome = await client.send(next()).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      const done = performance.now();
      stats.completedOverall += 1;
      if (sent >= measureFrom && done <= stopAt) record(stats, done - sent, outcome);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  stats.measuredSeconds = o.measureMs / 1000;
  return stats;
}

/**
 * Open loop at a constant arrival rate: request i is due at start + i/rate whether or not
 * earlier ones have answered, and its latency counts from that due time, so a stalled
 * server cannot hide its stall by slowing the generator (no coordinated omission).
 */
export async function openLoop(client: KeepAliveClient, next: () => JsonRequest, o: { ratePerSec: number; durationMs: number; drainMs: number }): Promise<RunStats> {
  const stats = newStats();
  const total = Math.floor((o.ratePerSec * o.durationMs) / 1000);
  const intervalMs = 1000 / o.ratePerSec;
  const start = performance.now();
  const pending = new Set<Promise<void>>();
  let issued = 0;
  while (issued < total && !client.closed) {
    const now = performance.now();
    while (issued < total && start + issued * intervalMs <= now) {
      const due = start + issued * intervalMs;
      const request = next();
      const inFlight: Promise<void> = client
        .send(request)
        .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))
        .then((outcome) => {
          stats.completedOverall += 1;
          record(stats, performance.now() - due, outcome);
        })
        .finally(() => pending.delete(inFlight));
      pending.add(inFlight);
      issued += 1;
    }
    const wait = start + issued * intervalMs - performance.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
  }
  const drained = Promise.all(pending);
  const gaveUp = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), o.drainMs).unref());
  if ((await Promise.race([drained, gaveUp])) === 'timeout') {
    stats.errors += pending.size;
    stats.errorSamples.push(`${pending.size} requests still unanswered ${o.drainMs} ms after the last was sent`);
  }
  stats.measuredSeconds = o.durationMs / 1000;
  return stats;
}
