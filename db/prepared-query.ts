import type { SQL } from 'drizzle-orm';
import type { PgDialect } from 'drizzle-orm/pg-core';
import type { QueryResult, QueryResultRow } from 'pg';
import type { Executor } from './client.ts';

/**
 * Runs raw SQL as a named prepared statement, so PostgreSQL parses and plans it once per
 * connection instead of on every call: on the order hot path, planning big statements cost
 * more CPU than executing them. The SQL text behind a name must never vary; only parameters.
 * drizzle exposes no public API for naming a raw query, hence the session it is built on.
 */
export async function executePrepared<T extends QueryResultRow>(executor: Executor, name: string, query: SQL): Promise<QueryResult<T>> {
  const { dialect } = executor as unknown as { dialect: PgDialect };
  const prepared = executor._.session.prepareQuery(dialect.sqlToQuery(query), undefined, name, false);
  return (await prepared.execute()) as QueryResult<T>;
}
