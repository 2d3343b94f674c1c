import { is, Param, SQL, StringChunk } from 'drizzle-orm';
import type { PgDialect } from 'drizzle-orm/pg-core';
import type { QueryResult, QueryResultRow } from 'pg';
import type { Executor } from './client.ts';

/** The SQL text of each prepared statement, built once: its text never varies, only its parameters. */
const textByName = new Map<string, string>();

/**
 * Runs raw SQL as a named prepared statement, so PostgreSQL parses and plans it once per
 * connection instead of on every call: on the order hot path, planning big statements cost
 * more CPU than executing them. The SQL text behind a name must never vary; only parameters.
 * Building the text is itself a measurable share of an order's CPU, so it is built once per
 * name and later calls only collect the parameters. drizzle exposes no public API for naming
 * a raw query, hence the session it is built on.
 */
export async function executePrepared<T extends QueryResultRow>(executor: Executor, name: string, query: SQL): Promise<QueryResult<T>> {
  let text = textByName.get(name);
  let params: unknown[];
  if (text === undefined) {
    const { dialect } = executor as unknown as { dialect: PgDialect };
    const built = dialect.sqlToQuery(query);
    params = collectParams(query);
    // The fast path must agree with drizzle exactly; check it the one time it can be compared.
    if (built.params.length !== params.length || built.params.some((p, i) => p !== params[i])) {
      throw new Error(`prepared statement ${name} uses SQL that collectParams cannot follow`);
    }
    text = built.sql;
    textByName.set(name, text);
  } else {
    params = collectParams(query);
  }
  const prepared = executor._.session.prepareQuery({ sql: text, params }, undefined, name, false);
  return (await prepared.execute()) as QueryResult<T>;
}

/**
 * The parameters of a `sql` template in the order drizzle numbers them. Only what hot-path
 * statements use is supported: text, nested `sql` fragments, plain values and `sql.param`.
 */
function collectParams(query: SQL, into: unknown[] = []): unknown[] {
  for (const chunk of query.queryChunks) {
    if (is(chunk, StringChunk)) continue;
    if (is(chunk, SQL)) collectParams(chunk, into);
    else if (is(chunk, Param)) into.push(chunk.value === null ? null : chunk.encoder.mapToDriverValue(chunk.value));
    else if (chunk === undefined || Array.isArray(chunk) || (typeof chunk === 'object' && chunk !== null && !(chunk instanceof Date))) {
      throw new Error('prepared statements take only plain values, sql fragments and sql.param');
    } else into.push(chunk);
  }
  return into;
}
