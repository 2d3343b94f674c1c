import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { NotFoundError } from '#server/core/errors.ts';
import { lockShipments } from './lock-shipment.ts';

/** The shipments that hold these lines (read without locks: the caller locks them next). */
export async function shipmentsOfLines(tx: Executor, lineIds: string[]): Promise<string[]> {
  const result = await tx.execute<{ shipment_id: string }>(
    sql`select distinct shipment_id from shipment_lines where id = any(${sql.param(lineIds)}::uuid[])`,
  );
  return result.rows.map((r) => r.shipment_id);
}

export type LockedLine = {
  id: string;
  shipment_id: string;
  picker_id: string | null;
  picked_at: Date | null;
};

/**
 * Locks shipment lines for a floor command, in the lock order every command uses (orders, then
 * shipments, then lines by id), and gives each line with its shipment. An unknown line is a 404.
 */
export async function lockLinesWithShipments(tx: Executor, lineIds: string[]) {
  const shipments = await lockShipments(tx, await shipmentsOfLines(tx, lineIds));
  const result = await tx.execute<LockedLine>(sql`
    select id, shipment_id, picker_id, picked_at from shipment_lines where id = any(${sql.param(lineIds)}::uuid[]) order by id for update`);
  const lineById = new Map(result.rows.map((l) => [l.id, l]));
  const missing = lineIds.filter((id) => !lineById.has(id));
  if (missing.length > 0) throw new NotFoundError(`Shipment line ${missing.join(', ')}`);
  const shipmentById = new Map(shipments.map((s) => [s.id, s]));
  return { shipments, lines: result.rows, line: (id: string) => lineById.get(id)!, shipmentOf: (line: LockedLine) => shipmentById.get(line.shipment_id)! };
}
