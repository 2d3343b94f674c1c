import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';

export const PGBENCH = '/usr/bin/pgbench';

/**
 * The SQL floor for one order: insert the order, its 3 lines, reserve 3 inventory rows and
 * append 1 outbox event, in one transaction, as prepared statements. The 3 rows are updated
 * in key order (as Tower locks them) so concurrent clients cannot deadlock.
 */
const SCRIPT = String.raw`
\set k1 random(1, :nkeys)
\set k2 random(1, :nkeys)
\set k3 random(1, :nkeys)
\set a least(:k1, :k2, :k3)
\set c greatest(:k1, :k2, :k3)
\set b :k1 + :k2 + :k3 - :a - :c
BEGIN;
INSERT INTO orders (channel, customer_id, status, currency, subtotal_cents, discount_cents, tax_cents, shipping_cents, total_cents, delivery_method, delivery_service, request_hash) VALUES ('web', :customer, 'allocated', 'USD', 5997, 0, 375, 0, 6372, 'ship', 'standard', md5(random()::text)) RETURNING id AS order_id \gset
INSERT INTO order_lines (order_id, line_no, sku, name, category, quantity, unit_price_cents, discount_cents, tax_cents) SELECT :order_id, 1, sku, 'Bench product', 'apparel', 1, 1999, 0, 125 FROM bench_keys WHERE n = :a;
INSERT INTO order_lines (order_id, line_no, sku, name, category, quantity, unit_price_cents, discount_cents, tax_cents) SELECT :order_id, 2, sku, 'Bench product', 'apparel', 1, 1999, 0, 125 FROM bench_keys WHERE n = :b;
INSERT INTO order_lines (order_id, line_no, sku, name, category, quantity, unit_price_cents, discount_cents, tax_cents) SELECT :order_id, 3, sku, 'Bench product', 'apparel', 1, 1999, 0, 125 FROM bench_keys WHERE n = :c;
UPDATE inventory_levels l SET reserved = l.reserved + 1, updated_at = now() FROM bench_keys k WHERE k.n = :a AND l.sku = k.sku AND l.location_id = k.location_id;
UPDATE inventory_levels l SET reserved = l.reserved + 1, updated_at = now() FROM bench_keys k WHERE k.n = :b AND l.sku = k.sku AND l.location_id = k.location_id;
UPDATE inventory_levels l SET reserved = l.reserved + 1, updated_at = now() FROM bench_keys k WHERE k.n = :c AND l.sku = k.sku AND l.location_id = k.location_id;
INSERT INTO outbox (type, aggregate_type, aggregate_id, occurred_at, payload) VALUES ('order.placed', 'order', :order_id, now(), '{"channel":"web","currency":"USD","totals":{"subtotal":5997,"discount":0,"tax":375,"shipping":0,"total":6372},"lines":3}');
COMMIT;
`;

export interface PgbenchSetup {
  keys: number;
  customerId: string;
}

/** A customer to own the orders and a numbered list of existing inventory rows to pick from. */
export async function preparePgbench(pool: pg.Pool): Promise<PgbenchSetup> {
  await pool.query('create table bench_keys (n serial primary key, sku text not null, location_id uuid not null)');
  await pool.query('insert into bench_keys (sku, location_id) select sku, location_id from inventory_levels order by random()');
  await pool.query('analyze bench_keys');
  const { rows } = await pool.query<{ id: string }>(
    "insert into customers (email, name) values ('pgbench@example.com', 'pgbench') returning id",
  );
  const { rows: count } = await pool.query<{ n: number }>('select count(*)::int as n from bench_keys');
  return { keys: count[0]!.n, customerId: rows[0]!.id };
}

export type PgbenchResult = { tps: number; clients: number; failed: number } | { tps: null; reason: string };

/** One timed pgbench run of the order script; never throws for a missing or failing pgbench. */
export async function runPgbench(url: string, setup: PgbenchSetup, o: { clients: number; seconds: number }): Promise<PgbenchResult> {
  if (!existsSync(PGBENCH)) return { tps: null, reason: `${PGBENCH} not found (apt-get install postgresql-client-15)` };
  const dir = mkdtempSync(path.join(tmpdir(), 'tower-pgbench-'));
  const script = path.join(dir, 'place-order.sql');
  writeFileSync(script, SCRIPT);
  const args = ['-n', '-M', 'prepared', '-c', String(o.clients), '-j', String(Math.min(2, o.clients)), '-T', String(o.seconds)];
  args.push('-D', `nkeys=${setup.keys}`, '-D', `customer=${setup.customerId}`, '-f', script, url);
  try {
    const output = await new Promise<string>((resolve, reject) => {
      execFile(PGBENCH, args, { timeout: (o.seconds + 60) * 1000, maxBuffer: 10_000_000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`pgbench failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      });
    });
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(output);
    if (!tps) return { tps: null, reason: `could not read tps from pgbench output:\n${output}` };
    const failed = /number of failed transactions: (\d+)/.exec(output);
    return { tps: Number(tps[1]), clients: o.clients, failed: failed ? Number(failed[1]) : 0 };
  } catch (error) {
    return { tps: null, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
