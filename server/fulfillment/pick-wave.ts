import { sql } from 'drizzle-orm';
import { confirmShipmentPicks } from './confirm-shipment-picks.ts';
import { ConfirmShipmentPicksInput } from './fulfillment.schemas.ts';
import type { FloorWaveStep } from './run-floor-wave.ts';

/**
 * Confirms the picks of whole claimed shipments, a wave at once: each item is
 * `POST /api/fulfillment/shipments/{id}/pick` (confirm-shipment-picks.ts), every open line in full
 * unless `lines` names fewer.
 */
export const pickWave: FloorWaveStep<ConfirmShipmentPicksInput> = {
  step: 'pick',
  body: ConfirmShipmentPicksInput,
  after: 'picking',
  async applyInSet(_ctx, tx, actor, items) {
    if (actor?.kind !== 'user') return new Set();
    const ready = items.filter((i) => i.shipment.status === 'picking' && i.shipment.orderStatus === 'picking');
    if (ready.length === 0) return new Set();
    const lines = await tx.execute<{ id: string; shipment_id: string; quantity: number; picker_id: string | null; picked_at: Date | null }>(sql`
      select id, shipment_id, quantity, picker_id, picked_at from shipment_lines
      where shipment_id = any(${sql.param(ready.map((i) => i.shipmentId))}::uuid[]) order by id for update`);
    const linesOf = new Map<string, typeof lines.rows>();
    for (const l of lines.rows) linesOf.set(l.shipment_id, [...(linesOf.get(l.shipment_id) ?? []), l]);

    const picks: { shipmentId: string; lineId: string; quantity: number; at: string }[] = [];
    const applied = new Set<number>();
    for (const item of ready) {
      const own = new Map((linesOf.get(item.shipmentId) ?? []).map((l) => [l.id, l]));
      const named = new Map<string, number>();
      const plain = (item.body.lines ?? []).every((n) => {
        const line = own.get(n.shipmentLineId);
        named.set(n.shipmentLineId, n.quantity);
        return line !== undefined && line.picked_at === null && n.quantity <= line.quantity;
      });
      const open = [...own.values()].filter((l) => l.picked_at === null);
      if (!plain || open.length === 0 || open.some((l) => l.picker_id !== actor.id)) continue;
      const at = item.occurredAt.toISOString();
      for (const l of open) picks.push({ shipmentId: item.shipmentId, lineId: l.id, quantity: named.get(l.id) ?? l.quantity, at });
      applied.add(item.index);
    }
    if (picks.length === 0) return applied;
    await tx.execute(sql`
      update shipment_lines sl set picked_quantity = p.quantity, picked_at = p.at
      from unnest(${sql.param(picks.map((p) => p.shipmentId))}::uuid[], ${sql.param(picks.map((p) => p.lineId))}::uuid[],
        ${sql.param(picks.map((p) => p.quantity))}::int[], ${sql.param(picks.map((p) => p.at))}::timestamptz[]) as p(shipment_id, id, quantity, at)
      where sl.shipment_id = p.shipment_id and sl.id = p.id`);
    return applied;
  },
  single: (ctx, actor, shipmentId, body) => confirmShipmentPicks(ctx, actor, shipmentId, body),
};
