import { sql } from 'drizzle-orm';
import type { deliveryServices } from '#db/schema/orders.ts';
import type { Actor } from '#server/auth/actor.ts';
import { InvalidTransitionError, ValidationError } from '#server/core/errors.ts';
import { EventType } from '#server/core/events.ts';
import type { ServiceContext } from '#server/context.ts';
import { chooseCarrier, type ShipmentRoute } from '#server/fulfillment/carrier-rules.ts';
import { appendEvents } from '#server/outbox/append-events.ts';
import { lockOrder } from './lock-order.ts';
import type { OrderStatus } from './order.schemas.ts';

type DeliveryService = (typeof deliveryServices)[number];

/** Slowest first: an upgrade moves right. */
const SPEED: readonly DeliveryService[] = ['standard', 'express'];

/** Orders not yet packed: their shipments can still change carrier and promise. */
const UPGRADABLE: readonly OrderStatus[] = ['placed', 'allocated', 'backordered', 'picking', 'on_hold'];

export interface UpgradeServiceResult {
  orderId: string;
  from: DeliveryService;
  to: DeliveryService;
  /** The order's open shipments with their new carrier and promise. */
  shipments: { id: string; carrier: string | null; promisedAt: string | null }[];
}

/**
 * Moves a shipped order to a faster delivery service (standard → express) at Tower's cost (the
 * customer's totals stay): its shipments not yet packed get the carrier and promise the faster
 * service gives from now; units not released yet are sourced with it when they are. A packed
 * shipment already has its labels: the order is then past upgrading (409).
 */
export async function upgradeService(ctx: ServiceContext, actor: Actor | null, idOrNumber: string, input: { service: DeliveryService }): Promise<UpgradeServiceResult> {
  const at = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const order = await lockOrder(tx, idOrNumber);
    const [current] = (
      await tx.execute<{ delivery_method: 'ship' | 'pickup'; delivery_service: DeliveryService; lat: number | null; lon: number | null }>(sql`
        select o.delivery_method, o.delivery_service, a.lat, a.lon from orders o left join addresses a on a.id = o.shipping_address_id where o.id = ${order.id}`)
    ).rows;
    if (!current) throw new InvalidTransitionError(order.status, 'service_upgraded');
    if (current.delivery_method !== 'ship') throw ValidationError.field('service', 'a pickup order has no delivery service to upgrade');
    if (SPEED.indexOf(input.service) <= SPEED.indexOf(current.delivery_service)) {
      throw ValidationError.field('service', `is not faster than the order's ${current.delivery_service}`);
    }
    if (!UPGRADABLE.includes(order.status)) throw new InvalidTransitionError(order.status, 'service_upgraded');

    // Shipment rows locked first (FOR UPDATE cannot share a statement with the weights' GROUP BY).
    await tx.execute(sql`select id from shipments where order_id = ${order.id} and status in ('pending', 'picking', 'packed') order by id for update`);
    const open = await tx.execute<{ id: string; status: string; kind: ShipmentRoute['location']['kind']; lat: number; lon: number; weight_grams: number; volume_mm3: number }>(sql`
      select s.id, s.status, l.kind, l.lat, l.lon,
        coalesce(sum(sl.quantity * coalesce(p.weight_grams, 0)), 0)::float8 as weight_grams,
        coalesce(sum(sl.quantity * coalesce(p.length_mm::bigint * p.width_mm * p.height_mm, 0)), 0)::float8 as volume_mm3
      from shipments s join locations l on l.id = s.location_id
      left join shipment_lines sl on sl.shipment_id = s.id left join products p on p.sku = sl.sku
      where s.order_id = ${order.id} and s.status in ('pending', 'picking', 'packed')
      group by s.id, l.id
      order by s.id`);
    const packed = open.rows.find((s) => s.status === 'packed');
    if (packed) throw new InvalidTransitionError('packed', 'service_upgraded', 'shipment');

    const shipments: UpgradeServiceResult['shipments'] = [];
    for (const s of open.rows) {
      const route: ShipmentRoute = {
        method: 'ship',
        service: input.service,
        // Promised afresh from the upgrade: the faster service starts now, not when the order was placed.
        placedAt: at,
        location: { kind: s.kind, lat: s.lat, lon: s.lon },
        destination: current.lat !== null && current.lon !== null ? { lat: current.lat, lon: current.lon } : null,
      };
      const { carrier, promisedAt } = chooseCarrier(route, Number(s.weight_grams), Number(s.volume_mm3), ctx.sourcingPolicy);
      await tx.execute(sql`update shipments set service = ${input.service}, carrier = ${carrier}, promised_at = ${promisedAt}, updated_at = ${at} where id = ${s.id}`);
      shipments.push({ id: s.id, carrier, promisedAt: promisedAt.toISOString() });
    }
    await tx.execute(sql`update orders set delivery_service = ${input.service}, updated_at = ${at} where id = ${order.id}`);
    await appendEvents(tx, [
      {
        type: EventType.orderServiceUpgraded,
        aggregateType: 'order',
        aggregateId: order.id,
        occurredAt: at,
        payload: {
          channel: order.channel,
          from: current.delivery_service,
          to: input.service,
          shipments,
          actorId: actor?.id ?? null,
        },
      },
    ]);
    return { orderId: order.id, from: current.delivery_service, to: input.service, shipments };
  });
}
