import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';

/** The shipments that hold these lines (read without locks: the caller locks them next). */
export async function shipmentsOfLines(tx: Executor, lineIds: string[]): Promise<string[]> {
  const result = await tx.execute<{ shipment_id: string }>(
    sql`select distinct shipment_id from shipment_lines where id = any(${sql.param(lineIds)}::uuid[])`,
  );
  return result.rows.map((r) => r.shipment_id);
}
