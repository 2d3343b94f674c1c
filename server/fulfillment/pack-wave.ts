import { sql } from 'drizzle-orm';
import { appendEvents } from '#server/outbox/append-events.ts';
import { orderFactsOf, packedEvent, shipmentUnitsOf } from './fulfillment-events.ts';
import { PackInput } from './fulfillment.schemas.ts';
import { insertPackages } from './insert-packages.ts';
import { activePackaging, assertScansMatch, packageRows, packShipment, packUnits, type PickedLineRow } from './pack-shipment.ts';
import { planPackages, type PlannedPackage } from './plan-packages.ts';
import type { FloorWaveStep, WaveItem } from './run-floor-wave.ts';
import { loadShipmentRoutes } from './shipment-route.ts';
import { WaveOrders } from './wave-orders.ts';

type LineRow = PickedLineRow & { shipment_id: string };

/**
 * Packs picked shipments, a wave at once: each item is `POST /api/fulfillment/shipments/{id}/pack`
 * (pack-shipment.ts) with its scans: the same packaging plan, packages, costs, order progress and
 * `order.packed`, in a few statements for all of them.
 */
export const packWave: FloorWaveStep<PackInput> = {
  step: 'pack',
  body: PackInput,
  after: 'packed',
  async applyInSet(ctx, tx, _actor, items) {
    const ready = items.filter((i) => i.shipment.status === 'picking');
    if (ready.length === 0) return new Set();
    const lines = await tx.execute<LineRow>(sql`
      select sl.id, sl.shipment_id, sl.sku, sl.picked_quantity, sl.picked_at, p.weight_grams, p.length_mm, p.width_mm, p.height_mm
      from shipment_lines sl left join products p on p.sku = sl.sku
      where sl.shipment_id = any(${sql.param(ready.map((i) => i.shipmentId))}::uuid[]) order by sl.shipment_id, sl.sku, sl.id for update of sl`);
    const linesOf = new Map<string, LineRow[]>();
    for (const l of lines.rows) linesOf.set(l.shipment_id, [...(linesOf.get(l.shipment_id) ?? []), l]);
    const types = await activePackaging(tx);
    const orders = await WaveOrders.load(tx, ready.map((i) => i.shipment.orderId), true);
    const routes = await loadShipmentRoutes(tx, ready.map((i) => i.shipmentId));

    const packed: { item: WaveItem<PackInput>; plan: PlannedPackage[] }[] = [];
    for (const item of ready) {
      const own = linesOf.get(item.shipmentId) ?? [];
      if (own.length === 0 || own.some((l) => l.picked_at === null)) continue;
      try {
        assertScansMatch(item.body, own);
      } catch {
        continue;
      }
      const plan = planPackages(packUnits(own), types);
      if (!plan.ok) continue;
      if (!(await orders.move(item.shipment.orderId, item.shipmentId, 'packed', item.occurredAt, true))) continue;
      packed.push({ item, plan: plan.packages });
    }
    if (packed.length === 0) return new Set();

    const rows = packed.map(({ item, plan }) => packageRows(ctx, item.shipment, routes.get(item.shipmentId)!, plan, item.occurredAt));
    await insertPackages(tx, packed.map(({ plan }, k) => ({ rows: rows[k]!, plan })));
    const ids = packed.map(({ item }) => item.shipmentId);
    await tx.execute(sql`update shipment_lines set packed_quantity = picked_quantity where shipment_id = any(${sql.param(ids)}::uuid[])`);
    const costs = packed.map(({ plan }, k) => ({
      packagingCostCents: plan.reduce((sum, p) => sum + p.packaging.costCents, 0),
      labelCostCents: rows[k]!.reduce((sum, p) => sum + p.labelCostCents, 0),
    }));
    await tx.execute(sql`
      update shipments s set status = 'packed', packaging_cost_cents = c.packaging, label_cost_cents = c.label, updated_at = c.at
      from unnest(${sql.param(ids)}::uuid[], ${sql.param(costs.map((c) => c.packagingCostCents))}::int[], ${sql.param(costs.map((c) => c.labelCostCents))}::int[],
        ${sql.param(packed.map(({ item }) => item.occurredAt.toISOString()))}::timestamptz[]) as c(id, packaging, label, at)
      where s.id = c.id`);
    await orders.write(tx);
    const facts = await orderFactsOf(tx, packed.map(({ item }) => item.shipment.orderId));
    const units = await shipmentUnitsOf(tx, ids, 'packed');
    await appendEvents(
      tx,
      packed.map(({ item }, k) =>
        packedEvent(
          facts.get(item.shipment.orderId)!,
          item.shipment,
          rows[k]!.map((p) => ({ trackingNumber: p.trackingNumber, weightGrams: p.weightGrams })),
          units.get(item.shipmentId)!,
          costs[k]!,
          item.occurredAt,
        ),
      ),
    );
    return new Set(packed.map(({ item }) => item.index));
  },
  single: (ctx, actor, shipmentId, body) => packShipment(ctx, actor, shipmentId, body),
};
