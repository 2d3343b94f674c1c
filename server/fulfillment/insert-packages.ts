import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { executePrepared } from '#db/prepared-query.ts';
import type { PlannedPackage } from './plan-packages.ts';

/** A package row as packageRows (pack-shipment.ts) makes it. */
export interface PackageRow {
  shipmentId: string;
  number: number;
  packagingCode: string;
  weightGrams: number;
  trackingNumber: string;
  labelCostCents: number;
  createdAt: Date;
}

/**
 * Writes packed shipments' packages and their contents (each package's units by shipment line)
 * in one fixed statement, prepared once per connection: drizzle's two multi-row inserts had a
 * text per row count (92 and 116 of them in a 2-day backfill), each parsed and planned anew.
 * `packed[k].plan[i]` is package number i + 1 of `packed[k].rows[i].shipmentId`.
 */
export async function insertPackages(tx: Executor, packed: readonly { rows: readonly PackageRow[]; plan: readonly PlannedPackage[] }[]): Promise<void> {
  const rows = packed.flatMap((p) =>
    p.rows.map((r) => ({ s: r.shipmentId, n: r.number, c: r.packagingCode, w: r.weightGrams, t: r.trackingNumber, l: r.labelCostCents, a: r.createdAt })),
  );
  if (rows.length === 0) return;
  const contents = packed.flatMap((p) =>
    p.plan.flatMap((planned, i) => planned.contents.map((c) => ({ s: p.rows[i]!.shipmentId, n: i + 1, l: c.lineId, q: c.quantity }))),
  );
  await executePrepared(tx, 'insert-packages', sql`
    with p as (
      insert into packages (shipment_id, number, packaging_code, weight_grams, tracking_number, label_cost_cents, created_at)
      select r.s, r.n, r.c, r.w, r.t, r.l, r.a
      from rows from (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as (s uuid, n int, c text, w int, t text, l int, a timestamptz)) with ordinality as r(s, n, c, w, t, l, a, k)
      order by r.k
      returning id, shipment_id, number
    )
    insert into package_contents (package_id, shipment_line_id, quantity)
    select p.id, c.l, c.q
    from rows from (jsonb_to_recordset(${JSON.stringify(contents)}::jsonb) as (s uuid, n int, l uuid, q int)) with ordinality as c(s, n, l, q, k)
      join p on p.shipment_id = c.s and p.number = c.n
    order by c.k`);
}
