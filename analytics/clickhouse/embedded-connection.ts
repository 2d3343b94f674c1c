import type { ClickHouseClientConfigOptions } from '@clickhouse/client';
import type { ChdbConnection } from 'chdb/connection';

/**
 * The connection contract as @clickhouse/client declares it (chdb's copy of the same types
 * comes from @clickhouse/client-common, which TypeScript sees as distinct).
 */
type Connection = NonNullable<ClickHouseClientConfigOptions['connection']>;
type Params<M extends keyof Connection> = Parameters<Connection[M]>[0];
type Result<M extends keyof Connection> = ReturnType<Connection[M]>;

/**
 * Settings that chdb's connection drops (they only mean something to the HTTP server), so
 * there is nothing to reset for them either; `default_format` becomes a chdb option.
 */
const NOT_SET_ON_THE_ENGINE = new Set([
  'wait_end_of_query',
  'send_progress_in_http_headers',
  'http_response_buffer_size',
  'http_headers_progress_interval_ms',
  'http_send_progress_interval_ms',
  'enable_http_compression',
  'http_zlib_compression_level',
  'http_response_compression_method',
  'http_native_compression_disable_checksumming_on_decompress',
  'default_format',
]);

/**
 * Where chdb's defaults differ from a ClickHouse server's in what callers can see: chdb
 * (like clickhouse-local) writes 64-bit integers in JSON as numbers, a server as strings.
 */
const SERVER_DEFAULTS: Record<string, string> = { output_format_json_quote_64bit_integers: '1' };

/**
 * Makes chdb's connection behave like a ClickHouse server over HTTP in the two ways Tower's
 * SQL depends on (found by trying chdb 3.4.0, see analytics/README.md):
 *
 * - Same defaults: the settings of SERVER_DEFAULTS are set on the connection first.
 * - Current database. chdb ignores the client's `database` option; every native connection
 *   has its own current database, so this one runs `USE <database>` before anything else.
 * - Settings are per query. chdb applies `clickhouse_settings` as `SET k = v; <query>` on the
 *   connection, where they stay: an insert_deduplication_token would then silently swallow
 *   the next insert that has none. After every call that carried settings we put them back
 *   with `SET k = DEFAULT`.
 *
 * Calls run one at a time (a native connection executes one query at a time anyway), so no
 * query ever sees another one's settings. Separate clients have separate connections and
 * run in parallel.
 */
export class EmbeddedConnection implements Connection {
  readonly #inner: Connection;
  /** Every call waits for this first; if it failed, every call fails with its error. */
  readonly #ready: Promise<void>;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(chdb: ChdbConnection, database: string) {
    const inner = (this.#inner = chdb as unknown as Connection);
    this.#ready = (async () => {
      await inner.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
      await inner.command({ query: `USE ${database}` });
      await inner.command({ query: `SET ${assignments(Object.keys(SERVER_DEFAULTS))}` });
    })();
    this.#ready.catch(() => undefined); // reported by the first call instead
  }

  query(params: Params<'query'>): Result<'query'> {
    return this.#run(params, () => this.#inner.query(params));
  }

  exec(params: Params<'exec'>): Result<'exec'> {
    return this.#run(params, () => this.#inner.exec(params));
  }

  command(params: Params<'command'>): Result<'command'> {
    return this.#run(params, () => this.#inner.command(params));
  }

  insert(params: Params<'insert'>): Result<'insert'> {
    return this.#run(params, () => this.#inner.insert(params));
  }

  ping(params: Params<'ping'>): Result<'ping'> {
    return this.#serialized(() => this.#inner.ping(params));
  }

  async close(): Promise<void> {
    await this.#queue.catch(() => undefined);
    await this.#inner.close();
  }

  #run<T>(params: Params<'query'>, call: () => Promise<T>): Promise<T> {
    const keys = Object.entries(params.clickhouse_settings ?? {})
      .filter(([key, value]) => value !== undefined && !NOT_SET_ON_THE_ENGINE.has(key))
      .map(([key]) => key);
    if (keys.length === 0) return this.#serialized(call);
    return this.#serialized(async () => {
      try {
        return await call();
      } finally {
        await this.#inner.command({ query: `SET ${assignments(keys)}` });
      }
    });
  }

  #serialized<T>(call: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(() => this.#ready).then(call);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}

/** `k = DEFAULT` (or the server's default where chdb's differs), for `SET`. */
function assignments(keys: string[]): string {
  return keys.map((key) => `${key} = ${SERVER_DEFAULTS[key] ?? 'DEFAULT'}`).join(', ');
}
